// The bootstrap's layered_runtime (envoy.config.bootstrap.v3.LayeredRuntime / RuntimeLayer). Signalbox has no
// runtime yet: the layers are checked for shape only and kept on the validated bootstrap
// (`bootstrap.layered_runtime.layers`, in order, later layers overriding earlier ones) for the runtime to read.
// A static_layer is any JSON object (a google.protobuf.Struct); an admin_layer holds the values set through
// /runtime_modify. disk_layer and rtds_layer (files watched on disk, the RTDS xDS resource) are refused by name.
import { z } from "zod";
import { repeated } from "./schema-common";

const LAYER_KINDS = ["static_layer", "admin_layer"] as const;

export const RuntimeLayer = z
  .strictObject({
    name: z.string().min(1),
    static_layer: z.record(z.string(), z.unknown()).optional(),
    admin_layer: z.strictObject({}).optional(),
  })
  .superRefine((l, ctx) => {
    // a refused kind (disk_layer, rtds_layer) was named by the strict object: no second line about the oneof
    if (ctx.issues.some((i) => i.code === "unrecognized_keys")) return;
    const set = LAYER_KINDS.filter((k) => l[k] !== undefined);
    if (set.length !== 1) ctx.addIssue({ code: "custom", message: `exactly one of ${LAYER_KINDS.join(", ")} is required (got ${set.length ? set.join(", ") : "none"})` });
  });

export const LayeredRuntime = z
  .strictObject({ layers: repeated(z.array(RuntimeLayer)).optional() })
  .superRefine((r, ctx) => {
    // Envoy's runtime LoaderImpl refuses both (source/common/runtime/runtime_impl.cc)
    const seen = new Map<string, number>();
    let admin = -1;
    r.layers?.forEach((l, i) => {
      if (seen.has(l.name)) ctx.addIssue({ code: "custom", path: ["layers", i, "name"], message: `Duplicate layer name: ${l.name} (also layers[${seen.get(l.name)}])` });
      else seen.set(l.name, i);
      if (l.admin_layer === undefined) return;
      if (admin >= 0) ctx.addIssue({ code: "custom", path: ["layers", i, "admin_layer"], message: `at most one admin_layer may be specified (layers[${admin}] is one)` });
      else admin = i;
    });
  });

export type RuntimeLayer = z.infer<typeof RuntimeLayer>;
export type LayeredRuntime = z.infer<typeof LayeredRuntime>;
