import { withHandler } from "@/lib/http";
import { LiveStats, LiveStatsQuery } from "@/lib/contract";
import { getControlPlane } from "@/lib/control-plane/registry";

/** {node, connected, points:[{t, rps, rq2xx, rq4xx, rq5xx}], events}: one point per second (t = epoch ms). */
export const GET = withHandler({ query: LiveStatsQuery, response: LiveStats }, async ({ query }) => {
  const cp = getControlPlane();
  return {
    node: query.node,
    connected: cp?.connectedNodes().includes(query.node) ?? false,
    points: cp?.liveStats(query.node, query.seconds) ?? [],
    events: (cp?.recentEvents(50) ?? []).filter((e) => e.node === query.node),
  };
});
