// One finished request as the console sees it (the access log sample): what Envoy's default access log line
// says, as structured data, plus where it ran (listener, HCM stat_prefix) and its trace. Part of the
// console↔worker protocol; the worker sends the entries of each second, the node is known from the connection.
import { z } from "zod";

/** Longest `authority` and `path` kept (Envoy's default max_path_tag_length for spans is the same 256). */
export const ACCESS_LOG_ENTRY_MAX_TEXT = 256;

export const AccessLogEntry = z.strictObject({
  /** request start, ms since the epoch */
  startTime: z.number().int().nonnegative(),
  /** the listener's name and its HCM's stat_prefix */
  listener: z.string(),
  statPrefix: z.string(),
  method: z.string(),
  authority: z.string().max(ACCESS_LOG_ENTRY_MAX_TEXT),
  /** the path as the client sent it (before rewrites), query included */
  path: z.string().max(ACCESS_LOG_ENTRY_MAX_TEXT),
  /** "HTTP/1.1" */
  protocol: z.string(),
  /** 0 when no response was sent (the client went away first) */
  status: z.number().int().nonnegative(),
  /** %RESPONSE_FLAGS%: "-", or short names joined by "," such as "UF,URX" */
  responseFlags: z.string(),
  /** %RESPONSE_CODE_DETAILS% (via_upstream, route_not_found …), null when unset */
  responseCodeDetails: z.string().nullable(),
  /** request and response body bytes */
  bytesReceived: z.number().int().nonnegative(),
  bytesSent: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative(),
  /** ip:port of the last upstream attempt, and its cluster; null when the request never went upstream */
  upstreamHost: z.string().nullable(),
  upstreamCluster: z.string().nullable(),
  routeName: z.string().nullable(),
  requestId: z.string().nullable(),
  /** set only when the request was sampled for tracing (its spans reach the console too) */
  traceId: z.string().nullable(),
});

export type AccessLogEntry = z.infer<typeof AccessLogEntry>;
