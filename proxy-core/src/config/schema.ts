// The single contract: the subset of Envoy's v3 API that Signalbox supports.
// The worker loads configs with it, the console validates drafts with it and builds forms over it.
// Every object is strict: a field Envoy has but Signalbox does not implement is refused with its path,
// never silently ignored. Add a field only together with the runtime code that honours it.
// The parts live in schema-common.ts, schema-route.ts, schema-listener.ts, schema-cluster.ts, schema-tracing.ts and
// schema-access-log.ts.
import { z } from "zod";
import { Address } from "./schema-common";
import { Listener } from "./schema-listener";
import { Cluster } from "./schema-cluster";

export * from "./schema-common";
export * from "./schema-route";
export * from "./schema-listener";
export * from "./schema-cluster";
export * from "./schema-tracing";
export * from "./schema-access-log";

export const Admin = z.strictObject({ address: Address });

export const Node = z.strictObject({ id: z.string().optional(), cluster: z.string().optional() });

export const StaticResources = z.strictObject({
  listeners: z.array(Listener).optional(),
  clusters: z.array(Cluster).optional(),
});

export const Bootstrap = z.strictObject({
  node: Node.optional(),
  static_resources: StaticResources,
  admin: Admin.optional(),
});

/** What the console pushes to workers: the Envoy v3 listeners and clusters of one version. */
export const SnapshotResources = z.strictObject({
  listeners: z.array(Listener),
  clusters: z.array(Cluster),
});


export type Bootstrap = z.infer<typeof Bootstrap>;
export type SnapshotResources = z.infer<typeof SnapshotResources>;
