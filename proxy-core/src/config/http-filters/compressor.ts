// envoy.filters.http.compressor (envoy.extensions.filters.http.compressor.v3.Compressor) with the gzip and brotli
// compressor libraries (envoy.compression.{gzip,brotli}.compressor), and its per-route CompressorPerRoute.
// Response compression only: request_direction_config is refused. The fields the proto deprecated in favour of
// response_direction_config are still honoured when it is absent, as Envoy does, and reported as deprecated.
import { z } from "zod";
import { BoolValue, TYPE_PREFIX, UInt32Value, envoyEnum, repeated } from "../schema-common";
import { exactlyOne } from "../schema-route";
import { noteDeprecated, withDeprecations } from "../warnings";
import { RuntimeFeatureFlag } from "./runtime-percent";

export const COMPRESSOR_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.compressor.v3.Compressor";
export const COMPRESSOR_PER_ROUTE_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.compressor.v3.CompressorPerRoute";
export const GZIP_TYPE = TYPE_PREFIX + "envoy.extensions.compression.gzip.compressor.v3.Gzip";
export const BROTLI_TYPE = TYPE_PREFIX + "envoy.extensions.compression.brotli.compressor.v3.Brotli";

const inRange = (min: number, max: number) => UInt32Value.refine((n) => n >= min && n <= max, { message: `must be between ${min} and ${max}` });

const GZIP_LEVELS = ["DEFAULT_COMPRESSION", "BEST_SPEED", "COMPRESSION_LEVEL_1", "COMPRESSION_LEVEL_2", "COMPRESSION_LEVEL_3", "COMPRESSION_LEVEL_4", "COMPRESSION_LEVEL_5", "COMPRESSION_LEVEL_6", "COMPRESSION_LEVEL_7", "COMPRESSION_LEVEL_8", "COMPRESSION_LEVEL_9", "BEST_COMPRESSION"] as const;
// the enum has aliases (allow_alias): BEST_SPEED is 1, BEST_COMPRESSION is 9
const GZIP_LEVEL_NUMBERS: Record<string, number> = { DEFAULT_COMPRESSION: 0, BEST_SPEED: 1, BEST_COMPRESSION: 9, ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`COMPRESSION_LEVEL_${i + 1}`, i + 1])) };

/** compression.gzip.compressor.v3.Gzip; defaults: memory_level 5, window_bits 12, chunk_size 4096 */
export const GzipLibrary = z.strictObject({
  "@type": z.literal(GZIP_TYPE),
  memory_level: inRange(1, 9).optional(),
  compression_level: envoyEnum(GZIP_LEVELS, [], GZIP_LEVEL_NUMBERS).optional(),
  compression_strategy: envoyEnum(["DEFAULT_STRATEGY", "FILTERED", "HUFFMAN_ONLY", "RLE", "FIXED"]).optional(),
  window_bits: inRange(9, 15).optional(),
  chunk_size: inRange(4096, 65536).optional(),
});
export type GzipLibrary = z.output<typeof GzipLibrary>;

/** compression.brotli.compressor.v3.Brotli; defaults: quality 3, window_bits 18, input_block_bits 24, chunk_size 4096 */
export const BrotliLibrary = z.strictObject({
  "@type": z.literal(BROTLI_TYPE),
  quality: inRange(0, 11).optional(),
  encoder_mode: envoyEnum(["DEFAULT", "GENERIC", "TEXT", "FONT"]).optional(),
  window_bits: inRange(10, 24).optional(),
  input_block_bits: inRange(16, 24).optional(),
  chunk_size: inRange(4096, 65536).optional(),
  disable_literal_context_modeling: z.boolean().optional(),
});
export type BrotliLibrary = z.output<typeof BrotliLibrary>;

const LIBRARIES: Record<string, z.ZodType<GzipLibrary | BrotliLibrary>> = { [GZIP_TYPE]: GzipLibrary, [BROTLI_TYPE]: BrotliLibrary };

/** config.core.v3.TypedExtensionConfig holding a compressor library; others (zstd, qatzip …) are refused by type */
export const CompressorLibrary = z.strictObject({
  name: z.string().min(1),
  typed_config: z.looseObject({ "@type": z.string() }).transform((v, ctx) => {
    const schema = LIBRARIES[v["@type"]];
    if (schema === undefined) {
      ctx.addIssue({ code: "custom", path: ["@type"], message: `${v["@type"].slice(TYPE_PREFIX.length)} is not supported by Signalbox (supported: Gzip, Brotli)` });
      return z.NEVER;
    }
    const r = schema.safeParse(v);
    if (r.success) return r.data;
    for (const i of r.error.issues) ctx.addIssue({ code: "custom", path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: i.message });
    return z.NEVER;
  }),
});

const CommonDirectionConfig = z.strictObject({
  /** unset: enabled */
  enabled: RuntimeFeatureFlag.optional(),
  /** unset (or 0): 30 bytes */
  min_content_length: UInt32Value.optional(),
  /** unset: Envoy's default list (compressor-library.ts DEFAULT_CONTENT_TYPES) */
  content_type: repeated(z.array(z.string())).optional(),
});

const DEPRECATED = ["content_length", "content_type", "disable_on_etag_header", "remove_accept_encoding_header", "runtime_enabled"] as const;

export const CompressorConfig = withDeprecations(
  (raw) => {
    for (const k of DEPRECATED) if (raw[k] !== undefined) noteDeprecated(raw, k, `${k} is deprecated: use response_direction_config${raw.response_direction_config !== undefined ? " (which is set, so this field is ignored, as Envoy ignores it)" : ""}`);
  },
  z.strictObject({
    "@type": z.literal(COMPRESSOR_TYPE),
    content_length: UInt32Value.optional(),
    content_type: repeated(z.array(z.string())).optional(),
    disable_on_etag_header: z.boolean().optional(),
    remove_accept_encoding_header: z.boolean().optional(),
    runtime_enabled: RuntimeFeatureFlag.optional(),
    /** required (the proto's validate rule) */
    compressor_library: CompressorLibrary,
    request_direction_config: z.unknown().refine((v) => v === undefined, { message: "request compression is not supported by Signalbox" }).optional(),
    response_direction_config: z
      .strictObject({
        common_config: CommonDirectionConfig.optional(),
        disable_on_etag_header: z.boolean().optional(),
        remove_accept_encoding_header: z.boolean().optional(),
      })
      .optional(),
    choose_first: z.boolean().optional(),
  }),
);
export type CompressorConfig = z.output<typeof CompressorConfig>;

/** compressor.v3.CompressorPerRoute: exactly one of disabled (true) or overrides */
export const CompressorPerRoute = z
  .strictObject({
    "@type": z.literal(COMPRESSOR_PER_ROUTE_TYPE),
    disabled: z.literal(true, { message: "must be true (leave it out to keep the filter's settings)" }).optional(),
    overrides: z
      .strictObject({
        /** present: response compression is enabled on the route */
        response_direction_config: z.strictObject({ remove_accept_encoding_header: BoolValue.optional() }).optional(),
      })
      .optional(),
  })
  .superRefine(exactlyOne(["disabled", "overrides"], "is required "));
export type CompressorPerRoute = z.output<typeof CompressorPerRoute>;
