import { z } from "zod";
import { withHandler } from "@/lib/http";
import { getControlPlane } from "@/lib/control-plane/registry";

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(5000).optional().default(100),
});

/** {traces:[{traceId, spans:[Zipkin v2 span + node]}]}: the workers' recent sampled traces, newest first. */
export const GET = withHandler({ query: Query }, async ({ query }) => ({ traces: getControlPlane()?.traces(query.limit) ?? [] }));
