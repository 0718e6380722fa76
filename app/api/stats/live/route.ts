import { z } from "zod";
import { withHandler } from "@/lib/http";
import { getControlPlane } from "@/lib/control-plane/registry";

const Query = z.object({
  node: z.string().min(1).optional().default("local"),
  seconds: z.coerce.number().int().min(1).max(300).optional().default(60),
});

/** {node, points:[{t, rps, rq2xx, rq4xx, rq5xx}]}: one point per second (t = epoch ms), plus recent events. */
export const GET = withHandler({ query: Query }, async ({ query }) => {
  const cp = getControlPlane();
  return {
    node: query.node,
    connected: cp?.connectedNodes().includes(query.node) ?? false,
    points: cp?.liveStats(query.node, query.seconds) ?? [],
    events: (cp?.recentEvents(50) ?? []).filter((e) => e.node === query.node),
  };
});
