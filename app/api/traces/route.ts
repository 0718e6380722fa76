import { withHandler } from "@/lib/http";
import { TraceList, TracesQuery } from "@/lib/contract";
import { getControlPlane } from "@/lib/control-plane/registry";

/** {traces:[{traceId, spans:[Zipkin v2 span + node]}]}: the workers' recent sampled traces, newest first. */
export const GET = withHandler({ query: TracesQuery, response: TraceList }, async ({ query }) => ({ traces: getControlPlane()?.traces(query.limit) ?? [] }));
