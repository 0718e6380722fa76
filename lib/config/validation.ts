// Validation of a whole draft document with the proxy-core contract, plus the console-side checks:
// - validateBootstrap stops at schema errors before its cross-reference checks, so a lenient reference
//   check on the raw input still names unknown clusters when the document also has schema errors;
// - virtual host names must be unique within a route configuration (Envoy refuses duplicates, and the draft
//   tables key virtual hosts by name).
import { validateBootstrap, type ConfigIssue } from "../../proxy-core/src/config/index";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking unvalidated input

const arr = (v: unknown): Json[] => (Array.isArray(v) ? v : []);

/** Walks every route_config of a raw (unvalidated) document. */
function forEachRouteConfig(doc: Json, fn: (rc: Json, path: string) => void) {
  arr(doc?.static_resources?.listeners).forEach((l, li) =>
    arr(l?.filter_chains).forEach((fc, fi) =>
      arr(fc?.filters).forEach((f, ni) => {
        const rc = f?.typed_config?.route_config;
        if (rc && typeof rc === "object") fn(rc, `static_resources.listeners[${li}].filter_chains[${fi}].filters[${ni}].typed_config.route_config`);
      }),
    ),
  );
}

export function rawReferenceIssues(doc: Json): ConfigIssue[] {
  const names = new Set(arr(doc?.static_resources?.clusters).map((c) => c?.name).filter((n) => typeof n === "string"));
  const out: ConfigIssue[] = [];
  forEachRouteConfig(doc, (rc, base) =>
    arr(rc.virtual_hosts).forEach((vh, vi) =>
      arr(vh?.routes).forEach((r, ri) => {
        const name = r?.route?.cluster;
        if (typeof name === "string" && name !== "" && !names.has(name))
          out.push({ path: `${base}.virtual_hosts[${vi}].routes[${ri}].route.cluster`, message: `unknown cluster "${name}"` });
      }),
    ),
  );
  return out;
}

export function virtualHostNameIssues(doc: Json): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  forEachRouteConfig(doc, (rc, base) => {
    const seen = new Map<string, number>();
    arr(rc.virtual_hosts).forEach((vh, vi) => {
      const name = vh?.name;
      if (typeof name !== "string") return;
      if (seen.has(name)) out.push({ path: `${base}.virtual_hosts[${vi}].name`, message: `duplicate virtual host name "${name}" (also virtual_hosts[${seen.get(name)}])` });
      else seen.set(name, vi);
    });
  });
  return out;
}

/** Every problem of a bootstrap document; [] when it is valid. */
export function validateDocument(doc: unknown): ConfigIssue[] {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    return [{ path: "", message: "the document must be an object with static_resources" }];
  const r = validateBootstrap(doc);
  const errors = r.ok ? [] : [...r.errors];
  const seen = new Set(errors.map((e) => e.path + "\n" + e.message));
  const extra = [...(r.ok ? [] : rawReferenceIssues(doc)), ...virtualHostNameIssues(doc)];
  for (const e of extra) {
    const k = e.path + "\n" + e.message;
    if (!seen.has(k)) {
      seen.add(k);
      errors.push(e);
    }
  }
  return errors;
}
