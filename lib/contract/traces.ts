// Traces the workers sampled (GET /api/traces): Zipkin v2 spans, each with the node that sent it.
import { z } from "zod";
import { ZipkinSpan } from "../../proxy-core/src/protocol";

export const StoredSpan = ZipkinSpan.extend({ node: z.string() });
export type StoredSpan = z.infer<typeof StoredSpan>;

export const TraceView = z.object({ traceId: z.string(), spans: z.array(StoredSpan) });
export type TraceView = z.infer<typeof TraceView>;

export const TraceList = z.object({ traces: z.array(TraceView) });
export type TraceList = z.infer<typeof TraceList>;

/** Search: every filter narrows; a trace matches when one of its spans does (its SERVER span for status and duration). */
export const TracesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(5000).optional().default(100),
  traceId: z.string().min(1).optional(),
  /** the route's `name` (Envoy route name; the console names every route it manages) */
  route: z.string().min(1).optional(),
  /** `upstream_cluster` tag */
  cluster: z.string().min(1).optional(),
  /** a text the SERVER span's `http.url` contains (its path and query): one request's trace among many */
  path: z.string().min(1).max(1000).optional(),
  /** `http.status_code`: an exact code ("503") or a class ("5xx") */
  status: z.string().regex(/^([1-5]xx|\d{3})$/).optional(),
  minDurationMs: z.coerce.number().min(0).optional(),
  /** epoch ms window on the trace's start */
  since: z.coerce.number().optional(),
  until: z.coerce.number().optional(),
});
