// The browser's live channel (GET /api/live, Server-Sent Events): one `tick` per second with the last complete
// second of the fleet and of every route and cluster, and the events since the previous tick. Hooks merge it
// into the react-query cache of the 5-minute series and the summary, so charts move without refetching.
import { z } from "zod";
import { EventRow } from "./events";
import { ClusterTraffic, RouteTraffic, SeriesPoint } from "./telemetry";

export const LiveTick = z.object({
  /** the second it describes, epoch ms */
  t: z.number(),
  fleet: SeriesPoint,
  /** per node, the same point (Fleet page, node filter) */
  nodes: z.record(z.string(), SeriesPoint),
  routes: z.array(RouteTraffic),
  clusters: z.array(ClusterTraffic),
  events: z.array(EventRow),
});
export type LiveTick = z.infer<typeof LiveTick>;
