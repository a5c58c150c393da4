/**
 * The single protobufjs root that holds every schema in core/formats/proto, and typed
 * encode/decode helpers over it. Schemas are our own minimal proto3 texts (field numbers
 * from docs/tf-formats.md); field names become camelCase in JS (`tensor_shape` → `tensorShape`).
 */
import protobuf from 'protobufjs';
import { FormatError } from '../errors.ts';

const root = new protobuf.Root();

/** Adds proto3 source text (package `tensorflow`, or `onnx` for onnx.ts) to the shared root. */
export function defineSchema(source: string): void {
  protobuf.parse(source, root, { keepCase: false });
}

/** The resolved reflection of `tensorflow.<name>` (or a qualified `pkg.Name`), for checks that walk the schema. */
export function messageType(name: string): protobuf.Type {
  root.resolveAll();
  return root.lookupType(name.includes('.') ? name : `tensorflow.${name}`);
}

/** Encodes and decodes one message type as the TS interface `T`. */
export interface Codec<T> {
  /** Serializes; fields left undefined are omitted, so callers leave proto3 defaults unset. */
  encode(message: T): Uint8Array;
  /** Parses; absent scalar fields read as their proto3 default. `source` names the bytes in errors. */
  decode(bytes: Uint8Array, source?: string): T;
}

/** A typed codec for `tensorflow.<name>` (or a qualified `pkg.Name`); the type is looked up on first use. */
export function codec<T>(name: string): Codec<T> {
  let type: protobuf.Type | undefined;
  const lookup = (): protobuf.Type => {
    if (!type) {
      root.resolveAll(); // resolves proto3 features such as packed encoding
      type = root.lookupType(name.includes('.') ? name : `tensorflow.${name}`);
    }
    return type;
  };
  return {
    encode(message: T): Uint8Array {
      return plainBytes(
        lookup()
          .encode(message as object)
          .finish(),
      );
    },
    decode(bytes: Uint8Array, source = 'bytes'): T {
      try {
        // A plain Uint8Array makes protobufjs return bytes fields as Uint8Array views, not Buffers.
        return lookup().decode(plainBytes(bytes)) as unknown as T;
      } catch (e) {
        throw new FormatError(source, `not a valid ${name} protobuf (${(e as Error).message})`);
      }
    },
  };
}

/** The same memory as a plain Uint8Array (protobufjs produces Node Buffers when it can). */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
