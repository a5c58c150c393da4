/**
 * A strict check of protobuf wire bytes against one message type of our schemas: every field
 * number must be a field of that message, sent with the wire type its declared type uses (or
 * the packed form of a repeated number), every length must fit, every varint end within 10
 * bytes, every string be UTF-8 (as proto3 requires) and every nested message and map entry pass
 * the same check. protobufjs's own decoder skips unknown fields, so almost any bytes "decode";
 * this check answers the question a reader of unlabelled records has: were these bytes written
 * as this message?
 */
import protobuf from 'protobufjs';

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The end of the varint at `at`, or -1 when it runs past `end` or beyond 10 bytes. */
function varintEnd(bytes: Uint8Array, at: number, end: number): number {
  for (let i = at; i < end && i < at + 10; i++) if (bytes[i] < 0x80) return i + 1;
  return -1;
}

/** The varint at `at` as a number (lengths and tags), or -1 when malformed or over 2^32. */
function smallVarint(bytes: Uint8Array, at: number, end: number): { value: number; next: number } {
  const next = varintEnd(bytes, at, end);
  if (next < 0 || next - at > 5) return { value: -1, next: -1 };
  let value = 0;
  for (let i = next - 1; i >= at; i--) value = value * 128 + (bytes[i] & 0x7f);
  return { value, next };
}

/** Wire type a scalar or enum field is sent with (protobufjs's table; enums are varints). */
function scalarWireType(type: string, resolved: protobuf.ReflectionObject | null): number | undefined {
  if (resolved instanceof protobuf.Enum) return VARINT;
  return (protobuf.types.basic as Record<string, number | undefined>)[type];
}

/** Whether bytes[at, end) is a valid packed run of `wire`-typed values. */
function packedRunConforms(bytes: Uint8Array, at: number, end: number, wire: number): boolean {
  if (wire === FIXED32) return (end - at) % 4 === 0;
  if (wire === FIXED64) return (end - at) % 8 === 0;
  for (let i = at; i < end; ) {
    i = varintEnd(bytes, i, end);
    if (i < 0) return false;
  }
  return true;
}

/** Whether one value of a field of `type` at bytes[at, end) (a length-delimited payload) conforms. */
function payloadConforms(bytes: Uint8Array, at: number, end: number, type: string, resolved: protobuf.ReflectionObject | null): boolean {
  if (resolved instanceof protobuf.Type) return messageConforms(resolved, bytes, at, end);
  if (type === 'string') {
    try {
      utf8.decode(bytes.subarray(at, end));
      return true;
    } catch {
      return false;
    }
  }
  return type === 'bytes';
}

/** Checks a map entry: key = 1, value = 2, nothing else. */
function mapEntryConforms(field: protobuf.MapField, bytes: Uint8Array, at: number, end: number): boolean {
  const entry: Record<number, { type: string; resolved: protobuf.ReflectionObject | null }> = {
    1: { type: field.keyType, resolved: null },
    2: { type: field.type, resolved: field.resolvedType },
  };
  return fieldsConform(bytes, at, end, (id) => entry[id]);
}

type FieldShape = { type: string; resolved: protobuf.ReflectionObject | null; repeated?: boolean; map?: protobuf.MapField };

/** Walks the fields of bytes[at, end), looking each field number up with `fieldOf`. */
function fieldsConform(bytes: Uint8Array, at: number, end: number, fieldOf: (id: number) => FieldShape | undefined): boolean {
  let i = at;
  while (i < end) {
    const tag = smallVarint(bytes, i, end);
    if (tag.next < 0) return false;
    const id = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    const field = id > 0 ? fieldOf(id) : undefined;
    if (!field) return false;
    i = tag.next;
    const scalarWire = field.map ? LENGTH_DELIMITED : scalarWireType(field.type, field.resolved);
    if (wire === LENGTH_DELIMITED) {
      const length = smallVarint(bytes, i, end);
      if (length.next < 0 || length.next + length.value > end) return false;
      const [from, to] = [length.next, length.next + length.value];
      i = to;
      if (field.map) {
        if (!mapEntryConforms(field.map, bytes, from, to)) return false;
      } else if (scalarWire === undefined || scalarWire === LENGTH_DELIMITED) {
        if (!payloadConforms(bytes, from, to, field.type, field.resolved)) return false;
      } else if (!(field.repeated && packedRunConforms(bytes, from, to, scalarWire))) return false;
      continue;
    }
    if (wire !== scalarWire) return false;
    if (wire === VARINT) i = varintEnd(bytes, i, end);
    else if (wire === FIXED32) i = i + 4 <= end ? i + 4 : -1;
    else if (wire === FIXED64) i = i + 8 <= end ? i + 8 : -1;
    else return false;
    if (i < 0) return false;
  }
  return i === end;
}

/** Whether bytes[at, end) are, strictly, a serialized `type` (see the file comment for the rules). */
export function messageConforms(type: protobuf.Type, bytes: Uint8Array, at = 0, end = bytes.byteLength): boolean {
  return fieldsConform(bytes, at, end, (id) => {
    const f = type.fieldsById[id];
    if (!f) return undefined;
    return { type: f.type, resolved: f.resolvedType, repeated: f.repeated, map: f instanceof protobuf.MapField ? f : undefined };
  });
}
