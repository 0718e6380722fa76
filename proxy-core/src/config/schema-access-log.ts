// HCM access logs: envoy.config.accesslog.v3.AccessLog with the file (envoy.extensions.access_loggers.file.v3)
// and standard-stream (envoy.extensions.access_loggers.stream.v3) loggers, their SubstitutionFormatString
// (envoy.config.core.v3) and the AccessLogFilters Signalbox evaluates. Format strings are parsed here, so an
// unknown command operator is refused with its path, as Envoy refuses it at load. The runtime is src/access-log/.
import { z } from "zod";
import { RESPONSE_FLAG_NAMES } from "../http/response-flags";
import { FilePath, TYPE_PREFIX, UInt32, envoyEnum, envoyName } from "./schema-common";
import { exactlyOne } from "./schema-route";
import { parseSubstitutionFormat } from "./substitution-format";

export const FILE_ACCESS_LOG_TYPE = `${TYPE_PREFIX}envoy.extensions.access_loggers.file.v3.FileAccessLog` as const;
export const STDOUT_ACCESS_LOG_TYPE = `${TYPE_PREFIX}envoy.extensions.access_loggers.stream.v3.StdoutAccessLog` as const;
export const STDERR_ACCESS_LOG_TYPE = `${TYPE_PREFIX}envoy.extensions.access_loggers.stream.v3.StderrAccessLog` as const;

const SUPPORTED_LOGGERS: Record<string, string> = {
  [FILE_ACCESS_LOG_TYPE]: "envoy.access_loggers.file",
  [STDOUT_ACCESS_LOG_TYPE]: "envoy.access_loggers.stdout",
  [STDERR_ACCESS_LOG_TYPE]: "envoy.access_loggers.stderr",
};

/** Envoy's other access loggers (api/envoy/extensions/access_loggers/*), by type URL: refused with their name. */
const ENVOY_ONLY_LOGGERS: Record<string, string> = {
  [TYPE_PREFIX + "envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig"]: "envoy.access_loggers.http_grpc",
  [TYPE_PREFIX + "envoy.extensions.access_loggers.grpc.v3.TcpGrpcAccessLogConfig"]: "envoy.access_loggers.tcp_grpc",
  [TYPE_PREFIX + "envoy.extensions.access_loggers.open_telemetry.v3.OpenTelemetryAccessLogConfig"]: "envoy.access_loggers.open_telemetry",
  [TYPE_PREFIX + "envoy.extensions.access_loggers.fluentd.v3.FluentdAccessLogConfig"]: "envoy.access_loggers.fluentd",
  [TYPE_PREFIX + "envoy.extensions.access_loggers.wasm.v3.WasmAccessLog"]: "envoy.access_loggers.wasm",
  [TYPE_PREFIX + "envoy.extensions.access_loggers.stats.v3.Config"]: "envoy.access_loggers.stats",
  [TYPE_PREFIX + "envoy.extensions.access_loggers.dynamic_modules.v3.DynamicModuleAccessLog"]: "envoy.access_loggers.dynamic_modules",
};

const SUPPORTED_NAMES = Object.values(SUPPORTED_LOGGERS).join(", ");

/** A format string (text_format, the legacy `format`, an inline text_format_source). */
const FormatString = z.string().superRefine((v, ctx) => {
  const r = parseSubstitutionFormat(v);
  if (!r.ok) ctx.addIssue({ code: "custom", message: r.message });
});

/**
 * A format dictionary (json_format): strings are format strings, numbers are literals, objects and lists nest.
 * Envoy refuses anything else ("Only string values, nested structs, list values and number values are supported").
 */
const JsonFormat = z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
  const walk = (node: unknown, path: (string | number)[]) => {
    if (typeof node === "string") {
      const r = parseSubstitutionFormat(node);
      if (!r.ok) ctx.addIssue({ code: "custom", path, message: r.message });
    } else if (Array.isArray(node)) node.forEach((n, i) => walk(n, [...path, i]));
    else if (node !== null && typeof node === "object") for (const [k, n] of Object.entries(node)) walk(n, [...path, k]);
    else if (typeof node !== "number") ctx.addIssue({ code: "custom", path, message: "only strings, numbers, nested objects and lists are supported in a format dictionary" });
  };
  walk(v, []);
});

/** envoy.config.core.v3.DataSource for text_format_source: the inline text is a format string. */
const FormatSource = z
  .strictObject({ inline_string: FormatString.optional(), filename: FilePath.optional() })
  .superRefine(exactlyOne(["inline_string", "filename"], "is required "));

/** envoy.config.core.v3.SubstitutionFormatString */
export const SubstitutionFormatString = z
  .strictObject({
    /** deprecated in Envoy for text_format_source, still accepted */
    text_format: FormatString.optional(),
    /** typed: numbers stay numbers, unset values are null */
    json_format: JsonFormat.optional(),
    text_format_source: FormatSource.optional(),
    /** text: unset values print "" instead of "-"; JSON: keys with null values are left out */
    omit_empty_values: z.boolean().optional(),
    /** only meaningful for local reply bodies; access logs ignore it, as Envoy does */
    content_type: z.string().optional(),
    /** Envoy always sorts JSON properties, so sort_properties has no effect (deprecated in Envoy) */
    json_format_options: z.strictObject({ sort_properties: z.boolean().optional() }).optional(),
  })
  .superRefine(exactlyOne(["text_format", "json_format", "text_format_source"], "is required "));

export const FileAccessLog = z
  .strictObject({
    "@type": z.literal(FILE_ACCESS_LOG_TYPE),
    /** opened for appending when the config loads (a path that cannot be opened refuses the config) */
    path: FilePath,
    /** deprecated: a format string ("" = the default format) */
    format: FormatString.optional(),
    /** deprecated: a format dictionary whose values are all rendered as strings */
    json_format: JsonFormat.optional(),
    /** deprecated: a typed format dictionary, as log_format.json_format */
    typed_json_format: JsonFormat.optional(),
    log_format: SubstitutionFormatString.optional(),
  })
  .superRefine(exactlyOne(["format", "json_format", "typed_json_format", "log_format"], "may be set ", true));

export const StdoutAccessLog = z.strictObject({ "@type": z.literal(STDOUT_ACCESS_LOG_TYPE), log_format: SubstitutionFormatString.optional() });
export const StderrAccessLog = z.strictObject({ "@type": z.literal(STDERR_ACCESS_LOG_TYPE), log_format: SubstitutionFormatString.optional() });

/** The logger is chosen by the type URL, as Envoy does; other access loggers are refused with their name. */
export const AccessLoggerConfig = z
  .looseObject({ "@type": z.string() })
  .superRefine((v, ctx) => {
    const type = v["@type"];
    if (SUPPORTED_LOGGERS[type] !== undefined) return;
    const known = ENVOY_ONLY_LOGGERS[type];
    ctx.addIssue({
      code: "custom",
      path: ["@type"],
      message: known !== undefined ? `${known} is not supported (supported: ${SUPPORTED_NAMES})` : `unknown access logger type "${type}" (supported: ${SUPPORTED_NAMES})`,
    });
  })
  .pipe(z.discriminatedUnion("@type", [FileAccessLog, StdoutAccessLog, StderrAccessLog]));

/** envoy.config.core.v3.RuntimeUInt32: Signalbox has no runtime layer, so default_value always applies. */
const RuntimeUInt32 = z.strictObject({ default_value: UInt32.optional(), runtime_key: z.string().optional() });

export const ComparisonFilter = z.strictObject({
  /** default EQ */
  op: envoyEnum(["EQ", "GE", "LE", "NE"]).optional(),
  value: RuntimeUInt32,
});

const FILTER_KINDS = ["status_code_filter", "duration_filter", "not_health_check_filter", "response_flag_filter", "and_filter", "or_filter"] as const;

export interface AccessLogFilter {
  status_code_filter?: { comparison: z.infer<typeof ComparisonFilter> };
  duration_filter?: { comparison: z.infer<typeof ComparisonFilter> };
  not_health_check_filter?: Record<string, never>;
  response_flag_filter?: { flags?: string[] };
  and_filter?: { filters: AccessLogFilter[] };
  or_filter?: { filters: AccessLogFilter[] };
}

/**
 * envoy.config.accesslog.v3.AccessLogFilter, exactly one kind. traceable, runtime, header, grpc_status,
 * metadata, log_type and extension filters are refused with their path by the strict object.
 */
export const AccessLogFilter: z.ZodType<AccessLogFilter> = z.lazy(() =>
  z
    .strictObject({
      status_code_filter: z.strictObject({ comparison: ComparisonFilter }).optional(),
      /** the stream's duration in ms */
      duration_filter: z.strictObject({ comparison: ComparisonFilter }).optional(),
      /** leaves out the requests the health_check HTTP filter marked as health checks */
      not_health_check_filter: z.strictObject({}).optional(),
      /** without flags, every flag matches */
      response_flag_filter: z.strictObject({ flags: z.array(envoyName(RESPONSE_FLAG_NAMES as [string, ...string[]])).optional() }).optional(),
      and_filter: z.strictObject({ filters: z.array(AccessLogFilter).min(2, "at least 2 filters are required") }).optional(),
      or_filter: z.strictObject({ filters: z.array(AccessLogFilter).min(2, "at least 2 filters are required") }).optional(),
    })
    .superRefine((v, ctx) => {
      // an unsupported filter kind was already reported by the strict object: no second line for it
      if (Object.keys(v).length === 0 && ctx.issues.some((i) => i.code === "unrecognized_keys")) return;
      exactlyOne(FILTER_KINDS, "is required ")(v, ctx);
    }),
);

export const AccessLog = z.strictObject({
  /** informational: the type URL of typed_config selects the logger */
  name: z.string().optional(),
  filter: AccessLogFilter.optional(),
  typed_config: AccessLoggerConfig,
});

export type AccessLog = z.infer<typeof AccessLog>;
export type AccessLoggerConfig = z.infer<typeof AccessLoggerConfig>;
export type SubstitutionFormatString = z.infer<typeof SubstitutionFormatString>;
export type ComparisonFilter = z.infer<typeof ComparisonFilter>;
