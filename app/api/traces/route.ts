import { withHandler } from "@/lib/http";
import { TraceList, TracesQuery } from "@/lib/contract";
import { requireTelemetry } from "@/lib/telemetry/registry";

/** {traces:[{traceId, spans:[Zipkin v2 span + node]}]}: recent sampled traces, newest first, narrowed by every filter given. */
export const GET = withHandler({ query: TracesQuery, response: TraceList }, async ({ query }) => ({ traces: requireTelemetry().queries.searchTraces(query) }));
