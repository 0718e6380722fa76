import { withHandler } from "@/lib/http";
import { ClusterLive } from "@/lib/contract";
import { notFound } from "@/lib/errors";
import { requireTelemetry } from "@/lib/telemetry/registry";

/** The cluster now, merged over nodes: breaker usage against thresholds, endpoints with health and rates. */
export const GET = withHandler({ response: ClusterLive }, async ({ params }) => {
  const c = requireTelemetry().queries.clusterLive(params.name);
  if (!c) throw notFound(`cluster "${params.name}" is neither live nor reported by a worker`);
  return c;
});
