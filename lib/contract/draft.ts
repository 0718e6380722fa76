// The draft: what the next publish will freeze (GET/PUT /api/config, /api/draft/*).
import { z } from "zod";
import type { Cluster, Route } from "../../proxy-core/src/config/schema";
import { ResourceChange } from "./versions";

export const DraftStatus = z.object({
  live: z.object({ id: z.string(), number: z.number().int(), hash: z.string() }).nullable(),
  draftHash: z.string(),
  /** the draft against the live version, resource by resource */
  changes: z.array(ResourceChange),
  nodes: z.object({
    total: z.number().int().nonnegative(),
    connected: z.number().int().nonnegative(),
    applied: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
  }),
});
export type DraftStatus = z.infer<typeof DraftStatus>;

const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

/** A route of the draft in match order, with where it lives. `route` is Envoy's Route (validated on write). */
export const DraftRouteItem = z.object({
  id: z.string(),
  listener: z.string(),
  virtualHost: z.string(),
  domains: z.array(z.string()),
  position: z.number().int().nonnegative(),
  route: z.custom<Route>(isObject),
});
export type DraftRouteItem = z.infer<typeof DraftRouteItem>;
export const DraftRouteList = z.array(DraftRouteItem);

export const DraftClusterItem = z.object({ name: z.string(), cluster: z.custom<Cluster>(isObject) });
export type DraftClusterItem = z.infer<typeof DraftClusterItem>;
export const DraftClusterList = z.array(DraftClusterItem);

export const CreateRouteBody = z.object({
  listener: z.string().min(1).optional(),
  virtualHost: z.string().min(1).optional(),
  route: z.record(z.string(), z.unknown()),
});
export const UpdateRouteBody = z.object({ route: z.record(z.string(), z.unknown()) });
export const MoveRouteBody = z.object({ direction: z.enum(["up", "down"]) });
export const PutClusterBody = z.record(z.string(), z.unknown());

/** GET /api/config (JSON): the draft as an Envoy v3 bootstrap. */
export const BootstrapDocument = z.object({
  static_resources: z.object({ listeners: z.array(z.unknown()), clusters: z.array(z.unknown()) }),
});
