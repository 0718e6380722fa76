// The access log as the console lists it (GET /api/access-log): a bounded sample of the requests each worker
// finished recently, with the fields of Envoy's default access-log format, newest first.
import { z } from "zod";

export const AccessLogRow = z.object({
  /** the node that served it */
  node: z.string(),
  /** request start, epoch ms */
  startTime: z.number(),
  method: z.string(),
  authority: z.string(),
  path: z.string(),
  protocol: z.string(),
  /** 0 when no response was sent */
  status: z.number().int(),
  /** Envoy's short response flags ("UO", "NR,URX") or "-" */
  responseFlags: z.string(),
  bytesReceived: z.number(),
  bytesSent: z.number(),
  durationMs: z.number(),
  upstreamHost: z.string().nullable(),
  upstreamCluster: z.string().nullable(),
  /** Envoy's %ROUTE_NAME%: the route's `name` */
  routeName: z.string().nullable(),
  requestId: z.string().nullable(),
  /** set when the request was sampled for tracing: links to its trace */
  traceId: z.string().nullable(),
});
export type AccessLogRow = z.infer<typeof AccessLogRow>;

export const AccessLogQuery = z.object({
  /** an exact status ("503") or a class ("5xx") */
  status: z.string().regex(/^([1-5]xx|\d{3})$/).optional(),
  route: z.string().min(1).optional(),
  pathContains: z.string().min(1).optional(),
  node: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional().default(200),
});

export const AccessLogList = z.object({
  entries: z.array(AccessLogRow),
  /** entries the workers did not send (their per-second sample was full) since the console started */
  dropped: z.number().int().nonnegative(),
});
export type AccessLogList = z.infer<typeof AccessLogList>;
