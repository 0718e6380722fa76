import { withHandler } from "@/lib/http";
import { LiveStats, LiveStatsQuery } from "@/lib/contract";
import { isNodeConnected } from "@/lib/control-plane/nodes";
import { requireTelemetry } from "@/lib/telemetry/registry";

/** {node, connected, points:[{t, rps, rq2xx, rq4xx, rq5xx}], events}: one point per second (t = epoch ms). */
export const GET = withHandler({ query: LiveStatsQuery, response: LiveStats }, async ({ query }) => {
  const t = requireTelemetry();
  return {
    node: query.node,
    connected: await isNodeConnected(query.node),
    points: t.queries.liveStats(query.node, query.seconds),
    events: t.events
      .recent(200)
      .filter((e) => e.node === query.node)
      .slice(0, 50)
      .map((e) => ({ ts: e.ts, node: e.node, kind: e.kind, ...(e.cluster ? { cluster: e.cluster } : {}), details: e.details })),
  };
});
