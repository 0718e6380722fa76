// The TCP proxy network filter (envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy): one upstream cluster,
// or weighted clusters picked per connection. Every object is strict, so the fields Signalbox does not implement
// (tunneling_config, on_demand, metadata_match, the not-implemented downstream/upstream_idle_timeout, backoff,
// PROXY protocol TLVs, access_log_options …) are refused with their path. The runtime is src/tcp/.
import { z } from "zod";
import { durationToMs } from "./duration";
import { Duration, TYPE_PREFIX, UInt32, wrapped } from "./schema-common";
import { AccessLog, type AccessLogFilter } from "./schema-access-log";
import { exactlyOne } from "./schema-route";
import { parseSubstitutionFormat } from "./substitution-format";

export const TCP_PROXY_TYPE = TYPE_PREFIX + "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";

/**
 * The command operators a tcp_proxy access log evaluates: what Envoy's StreamInfo knows about a proxied
 * connection (substitution_formatter.rst). Every other operator Signalbox has describes an HTTP request or
 * response (headers, protocol, response code, route, trace) and is refused in a tcp_proxy log.
 */
export const TCP_ACCESS_LOG_OPERATORS: ReadonlySet<string> = new Set([
  "START_TIME",
  "DURATION",
  "BYTES_RECEIVED",
  "BYTES_SENT",
  "RESPONSE_FLAGS",
  "RESPONSE_FLAGS_LONG",
  "UPSTREAM_HOST",
  "UPSTREAM_CLUSTER",
  "UPSTREAM_CLUSTER_RAW",
  "UPSTREAM_LOCAL_ADDRESS",
  "UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT",
  "UPSTREAM_LOCAL_PORT",
  "UPSTREAM_REMOTE_ADDRESS",
  "UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT",
  "UPSTREAM_REMOTE_PORT",
  "UPSTREAM_TRANSPORT_FAILURE_REASON",
  "UPSTREAM_REQUEST_ATTEMPT_COUNT",
  "DOWNSTREAM_REMOTE_ADDRESS",
  "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT",
  "DOWNSTREAM_REMOTE_PORT",
  "DOWNSTREAM_DIRECT_REMOTE_ADDRESS",
  "DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT",
  "DOWNSTREAM_DIRECT_REMOTE_PORT",
  "DOWNSTREAM_LOCAL_ADDRESS",
  "DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT",
  "DOWNSTREAM_LOCAL_PORT",
  "DOWNSTREAM_DIRECT_LOCAL_ADDRESS",
  "DOWNSTREAM_DIRECT_LOCAL_ADDRESS_WITHOUT_PORT",
  "DOWNSTREAM_DIRECT_LOCAL_PORT",
  "HOSTNAME",
  "CONNECTION_ID",
]);

/** The first HTTP-only operator of a format string, or null (a malformed format is reported by AccessLog). */
function httpOnlyOperator(format: string): string | null {
  const r = parseSubstitutionFormat(format);
  if (!r.ok) return null;
  for (const p of r.value) if (typeof p !== "string" && !TCP_ACCESS_LOG_OPERATORS.has(p.command)) return p.text;
  return null;
}

type Path = (string | number)[];

/** Every format string of a logger's typed_config, with its path (text formats and format dictionaries). */
function formatStrings(typedConfig: Record<string, unknown>): [string, Path][] {
  const out: [string, Path][] = [];
  const walk = (node: unknown, path: Path) => {
    if (typeof node === "string") out.push([node, path]);
    else if (Array.isArray(node)) node.forEach((n, i) => walk(n, [...path, i]));
    else if (node !== null && typeof node === "object") for (const [k, n] of Object.entries(node)) walk(n, [...path, k]);
  };
  const base: Path = ["typed_config"];
  const { format, json_format, typed_json_format, log_format } = typedConfig as Record<string, unknown>;
  if (typeof format === "string") out.push([format, [...base, "format"]]);
  walk(json_format, [...base, "json_format"]);
  walk(typed_json_format, [...base, "typed_json_format"]);
  const lf = log_format as { text_format?: string; json_format?: unknown; text_format_source?: { inline_string?: string } } | undefined;
  if (lf !== undefined) {
    if (lf.text_format !== undefined) out.push([lf.text_format, [...base, "log_format", "text_format"]]);
    walk(lf.json_format, [...base, "log_format", "json_format"]);
    if (lf.text_format_source?.inline_string !== undefined) out.push([lf.text_format_source.inline_string, [...base, "log_format", "text_format_source", "inline_string"]]);
  }
  return out;
}

/** Paths of status_code_filter in a filter tree: a TCP connection has no response code. */
function statusCodeFilters(f: AccessLogFilter, path: Path): Path[] {
  if (f.status_code_filter !== undefined) return [[...path, "status_code_filter"]];
  const nested = f.and_filter ? ["and_filter", f.and_filter.filters] : f.or_filter ? ["or_filter", f.or_filter.filters] : null;
  if (nested === null) return [];
  const [kind, filters] = nested as [string, AccessLogFilter[]];
  return filters.flatMap((c, i) => statusCodeFilters(c, [...path, kind, "filters", i]));
}

/** An access log of a tcp_proxy: Envoy's loggers and formats, without the operators that describe HTTP. */
export const TcpProxyAccessLog = AccessLog.superRefine((log, ctx) => {
  for (const [format, path] of formatStrings(log.typed_config as Record<string, unknown>)) {
    const op = httpOnlyOperator(format);
    if (op !== null) ctx.addIssue({ code: "custom", path, message: `command operator ${op} is HTTP-only: a tcp_proxy access log cannot use it` });
  }
  if (log.filter !== undefined)
    for (const path of statusCodeFilters(log.filter, ["filter"]))
      ctx.addIssue({ code: "custom", path, message: "status_code_filter is HTTP-only: a tcp_proxy connection has no response code" });
});

export const TcpProxyClusterWeight = z.strictObject({
  name: z.string().min(1),
  weight: UInt32.min(1, "must be at least 1"),
});

export const TcpProxyWeightedCluster = z.strictObject({
  clusters: z.array(TcpProxyClusterWeight).min(1, "at least one cluster is required"),
});

/** envoy.type.v3.HashPolicy: `source_ip` (for RING_HASH clusters); `filter_state` is refused by the strict object. */
export const TcpProxyHashPolicy = z.strictObject({ source_ip: z.strictObject({}).optional() }).superRefine((v, ctx) => {
  // a refused kind was already reported: no second line for it
  if (Object.keys(v).length === 0 && ctx.issues.some((i) => i.code === "unrecognized_keys")) return;
  exactlyOne(["source_ip"], "is required ")(v, ctx);
});

export const TcpProxy = z
  .strictObject({
    "@type": z.literal(TCP_PROXY_TYPE),
    /** stats are `tcp.<stat_prefix>.` */
    stat_prefix: z.string().min(1),
    cluster: z.string().min(1).optional(),
    /** one cluster per connection, picked at random by weight (Envoy's WeightedClusterUtil::pickCluster) */
    weighted_clusters: TcpProxyWeightedCluster.optional(),
    /** default 1 h: no bytes either way for this long closes both connections; "0s" disables it */
    idle_timeout: Duration.optional(),
    /** google.protobuf.UInt32Value, default 1: connect attempts per downstream connection, each on a newly picked host */
    max_connect_attempts: wrapped(UInt32.min(1, "must be at least 1")).optional(),
    /** default none: the downstream connection is closed this long after it was accepted */
    max_downstream_connection_duration: Duration.refine((d) => durationToMs(d) >= 1, { message: "must be at least 1ms" }).optional(),
    /** at most one: `source_ip` */
    hash_policy: z.array(TcpProxyHashPolicy).max(1, "at most one hash policy is supported (as in Envoy)").optional(),
    /** one line per downstream connection, written when it closes */
    access_log: z.array(TcpProxyAccessLog).optional(),
  })
  .superRefine(exactlyOne(["cluster", "weighted_clusters"], "is required "));

export type TcpProxy = z.infer<typeof TcpProxy>;
