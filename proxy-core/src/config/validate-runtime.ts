// The values of layered_runtime static layers, checked as Envoy's runtime loader reads them
// (source/common/runtime/runtime_impl.cc, ProtoLayer::walkProtoValue): nested objects are flattened to dotted keys
// and a list or a null anywhere is refused at load ("Invalid runtime entry value for <key>"). The shape of the
// layers themselves is schema-runtime.ts; the runtime that reads the values is src/runtime/.
import type { ConfigIssue } from "./issues";
import { formatPath } from "./paths";

type Layer = { static_layer?: Record<string, unknown> };

/** One issue per refused value, at its path below `layered_runtime`. */
export function runtimeLayerIssues(layers: readonly Layer[] | undefined, base = "layered_runtime"): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  layers?.forEach((l, i) => {
    const walk = (v: unknown, path: string[]) => {
      if (v === null || v === undefined || Array.isArray(v)) {
        out.push({ path: `${base}.${formatPath(["layers", i, "static_layer", ...path])}`, message: `Invalid runtime entry value for ${path.join(".")} (Envoy's runtime refuses lists and null)` });
        return;
      }
      if (typeof v !== "object") return;
      const o = v as Record<string, unknown>;
      // an empty object or a FractionalPercent is one value, not a level of keys
      if (Object.keys(o).length === 0 || "numerator" in o || "denominator" in o) return;
      for (const [k, x] of Object.entries(o)) walk(x, [...path, k]);
    };
    for (const [k, v] of Object.entries(l.static_layer ?? {})) walk(v, [k]);
  });
  return out;
}
