// Type declarations for the pure-JavaScript codec packages that ship none.
declare module 'lz4js' {
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array | number[];
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array | number[];
}
declare module 'snappyjs' {
  export function uncompress(src: Uint8Array, maxLength?: number): Uint8Array;
  export function compress(src: Uint8Array): Uint8Array;
}
