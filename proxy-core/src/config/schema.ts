// The single contract: the subset of Envoy's v3 API that Signalbox supports.
// The worker loads configs with it, the console validates drafts with it and builds forms over it.
// Every object is strict: a field Envoy has but Signalbox does not implement is refused with its path,
// never silently ignored. Add a field only together with the runtime code that honours it.
// The parts live in schema-common.ts (and the spellings Envoy's loader accepts), schema-route.ts, schema-listener.ts,
// schema-cluster.ts, schema-upstream-http.ts, schema-tracing.ts, schema-access-log.ts and schema-runtime.ts.
// Deprecated fields Envoy still honours are read as their replacements and reported as warnings (warnings.ts).
import { z } from "zod";
import { Address, repeated } from "./schema-common";
import { Listener } from "./schema-listener";
import { Cluster } from "./schema-cluster";
import { Secret } from "./schema-secret";
import { LayeredRuntime } from "./schema-runtime";
import { noteDeprecated, withDeprecations } from "./warnings";

export * from "./schema-common";
export * from "./schema-route";
export * from "./schema-listener";
export * from "./schema-cluster";
export * from "./schema-tracing";
export * from "./schema-access-log";
export * from "./schema-upstream-http";
export * from "./schema-runtime";
export * from "./schema-tcp-proxy";
export * from "./schema-percent";
export * from "./schema-limits";
export * from "./schema-secret";

/**
 * bootstrap.v3.Admin. The deprecated access_log_path is accepted only as /dev/null (no admin access log, which is
 * what Signalbox's admin interface writes); Envoy's examples set it that way.
 */
export const Admin = withDeprecations(
  (raw) => {
    if (raw.access_log_path === "/dev/null") noteDeprecated(raw, "access_log_path", "access_log_path is deprecated (Envoy v3: admin.access_log); /dev/null means no admin access log, as Signalbox has none");
  },
  z
    .strictObject({
      address: Address,
      access_log_path: z.literal("/dev/null", { error: "admin access logs are not supported by Signalbox (only access_log_path: /dev/null)" }).optional(),
    })
    .transform(({ access_log_path: _, ...a }) => a),
);

export const Node = z.strictObject({ id: z.string().optional(), cluster: z.string().optional() });

export const StaticResources = z.strictObject({
  listeners: repeated(z.array(Listener)).optional(),
  clusters: repeated(z.array(Cluster)).optional(),
  /** TLS secrets the listeners' and clusters' TLS contexts name (SdsSecretConfig without sds_config) */
  secrets: repeated(z.array(Secret)).optional(),
});

export const Bootstrap = z.strictObject({
  node: Node.optional(),
  static_resources: StaticResources,
  admin: Admin.optional(),
  /** checked for shape and kept (`layered_runtime.layers`) for the runtime; schema-runtime.ts */
  layered_runtime: LayeredRuntime.optional(),
});

/**
 * What the console pushes to workers: the Envoy v3 listeners and clusters of one version. `secrets` is what the
 * worker merges in before it validates and applies a snapshot: the secrets the console delivered separately (SDS,
 * protocol.ts SecretsMessage), or a bootstrap's static_resources.secrets. The console's stored versions never
 * carry it.
 */
export const SnapshotResources = z.strictObject({
  listeners: z.array(Listener),
  clusters: z.array(Cluster),
  secrets: z.array(Secret).optional(),
});


export type Bootstrap = z.infer<typeof Bootstrap>;
export type SnapshotResources = z.infer<typeof SnapshotResources>;
