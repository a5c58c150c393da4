// The few globals that every host we support (Node 20+, browsers, workers) provides.
// core/ is compiled without DOM or Node types, so they are declared here.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
declare function setTimeout(cb: () => void, ms?: number): unknown;
declare const performance: { now(): number };
/** WebCrypto (Node 20+ global, browsers, workers): only the digest the exports use. */
declare const crypto: {
  subtle: { digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer> };
};
/** Base64 to a binary string (Node 16+, browsers, workers): the embedded wasm kernels' bytes. */
declare function atob(data: string): string;
/** The WebAssembly API, as far as the embedded kernels (kernels/wasm/) use it. */
declare namespace WebAssembly {
  class Memory {
    readonly buffer: ArrayBuffer;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: Uint8Array): boolean;
}
