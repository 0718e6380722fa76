// The compressor libraries (envoy.compression.gzip.compressor, envoy.compression.brotli.compressor) as node:zlib
// streams, with Envoy's defaults (gzip: source/extensions/compression/gzip/compressor/config.h; brotli:
// brotli.proto). Envoy compresses every body chunk with a flush (Compressor::State::Flush), so a streamed
// response reaches the client as it arrives rather than when zlib's window fills: the stream's default flush
// does the same here.
import zlib from "node:zlib";
import type { Transform } from "node:stream";
import { BROTLI_TYPE, type BrotliLibrary, type GzipLibrary } from "../../../config/http-filters/compressor";

export interface CompressorLibrary {
  /** the content-encoding it produces, and the Accept-Encoding coding that asks for it */
  readonly encoding: string;
  /** its part of the stats prefix: `compressor.<name>.<statsPrefix>.` */
  readonly statsPrefix: string;
  create(): Transform;
}

const GZIP_LEVEL: Record<string, number> = { DEFAULT_COMPRESSION: zlib.constants.Z_DEFAULT_COMPRESSION, BEST_SPEED: 1, BEST_COMPRESSION: 9 };
const GZIP_STRATEGY: Record<string, number> = {
  DEFAULT_STRATEGY: zlib.constants.Z_DEFAULT_STRATEGY,
  FILTERED: zlib.constants.Z_FILTERED,
  HUFFMAN_ONLY: zlib.constants.Z_HUFFMAN_ONLY,
  RLE: zlib.constants.Z_RLE,
  FIXED: zlib.constants.Z_FIXED,
};
const BROTLI_MODE: Record<string, number> = {
  // BROTLI_DEFAULT_MODE is the generic mode
  DEFAULT: zlib.constants.BROTLI_MODE_GENERIC,
  GENERIC: zlib.constants.BROTLI_MODE_GENERIC,
  TEXT: zlib.constants.BROTLI_MODE_TEXT,
  FONT: zlib.constants.BROTLI_MODE_FONT,
};

export function compressorLibrary(c: GzipLibrary | BrotliLibrary): CompressorLibrary {
  return c["@type"] === BROTLI_TYPE ? brotli(c as BrotliLibrary) : gzip(c as GzipLibrary);
}

function gzip(c: GzipLibrary): CompressorLibrary {
  const level = c.compression_level ?? "DEFAULT_COMPRESSION";
  const options: zlib.ZlibOptions = {
    level: GZIP_LEVEL[level] ?? Number(level.slice("COMPRESSION_LEVEL_".length)),
    memLevel: c.memory_level ?? 5,
    strategy: GZIP_STRATEGY[c.compression_strategy ?? "DEFAULT_STRATEGY"],
    windowBits: c.window_bits ?? 12,
    chunkSize: c.chunk_size ?? 4096,
    flush: zlib.constants.Z_SYNC_FLUSH,
  };
  return { encoding: "gzip", statsPrefix: "gzip", create: () => zlib.createGzip(options) };
}

function brotli(c: BrotliLibrary): CompressorLibrary {
  const options: zlib.BrotliOptions = {
    chunkSize: c.chunk_size ?? 4096,
    flush: zlib.constants.BROTLI_OPERATION_FLUSH,
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: c.quality ?? 3,
      [zlib.constants.BROTLI_PARAM_LGWIN]: c.window_bits ?? 18,
      [zlib.constants.BROTLI_PARAM_LGBLOCK]: c.input_block_bits ?? 24,
      [zlib.constants.BROTLI_PARAM_MODE]: BROTLI_MODE[c.encoder_mode ?? "DEFAULT"],
      [zlib.constants.BROTLI_PARAM_DISABLE_LITERAL_CONTEXT_MODELING]: c.disable_literal_context_modeling ? 1 : 0,
    },
  };
  return { encoding: "br", statsPrefix: "brotli", create: () => zlib.createBrotliCompress(options) };
}
