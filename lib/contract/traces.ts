// Traces the workers sampled (GET /api/traces): Zipkin v2 spans, each with the node that sent it.
import { z } from "zod";
import { ZipkinSpan } from "../../proxy-core/src/protocol";

export const StoredSpan = ZipkinSpan.extend({ node: z.string() });
export type StoredSpan = z.infer<typeof StoredSpan>;

export const TraceView = z.object({ traceId: z.string(), spans: z.array(StoredSpan) });
export type TraceView = z.infer<typeof TraceView>;

export const TraceList = z.object({ traces: z.array(TraceView) });
export type TraceList = z.infer<typeof TraceList>;

export const TracesQuery = z.object({ limit: z.coerce.number().int().min(1).max(5000).optional().default(100) });
