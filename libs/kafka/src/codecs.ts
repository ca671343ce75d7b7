import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { decompress as zstdDecompress } from 'fzstd';
import * as lz4 from 'lz4js';
import * as snappy from 'snappyjs';

/**
 * Kafka's compression codecs beyond gzip, for kafkajs, in plain JavaScript (no native build, so
 * installs never need a compiler or a binary download). Producers in other languages pick the
 * codec (librdkafka clients often use lz4, snappy or zstd; the Java client any of them); kafkajs
 * itself knows only gzip and stops the consumer on anything else.
 *
 * - snappy: the Java client frames it the xerial way (a magic header, then length-prefixed
 *   blocks); librdkafka may send a bare snappy block. Both are read; we write the xerial framing.
 * - lz4: the LZ4 frame format (Kafka >= 0.10 message format), read and written by lz4js.
 * - zstd: read with fzstd. We never produce zstd (our producers use gzip), so compressing with it
 *   is refused with a clear error.
 */

/** The xerial snappy stream header: 0x82 'SNAPPY' 0x00, then version and compatible version (int32 BE each). */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

export function snappyDecompress(input: Buffer): Buffer {
  if (input.length < XERIAL_HEADER_BYTES || !input.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
    return Buffer.from(snappy.uncompress(input));
  }
  const blocks: Buffer[] = [];
  let at = XERIAL_HEADER_BYTES;
  while (at < input.length) {
    if (at + 4 > input.length) throw new Error('snappy: truncated xerial block header');
    const size = input.readInt32BE(at);
    at += 4;
    if (size < 0 || at + size > input.length)
      throw new Error(`snappy: xerial block of ${size} bytes overruns the frame`);
    blocks.push(Buffer.from(snappy.uncompress(input.subarray(at, at + size))));
    at += size;
  }
  return Buffer.concat(blocks);
}

export function snappyCompress(input: Buffer): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const block = Buffer.from(snappy.compress(input));
  const size = Buffer.alloc(4);
  size.writeInt32BE(block.length);
  return Buffer.concat([header, size, block]);
}

export function lz4Decompress(input: Buffer): Buffer {
  return Buffer.from(lz4.decompress(input));
}

export function lz4Compress(input: Buffer): Buffer {
  return Buffer.from(lz4.compress(input));
}

export function zstdDecompressBuffer(input: Buffer): Buffer {
  const out = zstdDecompress(input);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

interface Encoder {
  buffer: Buffer;
}

let registered = false;

/** Registers snappy, lz4 and zstd with kafkajs (process-wide, idempotent). */
export function registerCompressionCodecs(): void {
  if (registered) return;
  registered = true;
  const codecs = CompressionCodecs as unknown as Record<
    number,
    () => { compress(e: Encoder): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }
  >;
  codecs[CompressionTypes.Snappy] = () => ({
    compress: async (e) => snappyCompress(e.buffer),
    decompress: async (b) => snappyDecompress(b),
  });
  codecs[CompressionTypes.LZ4] = () => ({
    compress: async (e) => lz4Compress(e.buffer),
    decompress: async (b) => lz4Decompress(b),
  });
  codecs[CompressionTypes.ZSTD] = () => ({
    compress: async () => {
      throw new Error('driftwatch reads zstd but does not produce it; use gzip, snappy or lz4');
    },
    decompress: async (b) => zstdDecompressBuffer(b),
  });
}
