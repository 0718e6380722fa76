// Field paths as every refusal and warning prints them: `static_resources.clusters[1].lb_policy`.
// A map key that is not a plain field name (an extension name with dots, such as the key of
// typed_extension_protocol_options) is written `["envoy.extensions…"]`, so the path stays unambiguous.

const FIELD = /^[A-Za-z_@][A-Za-z0-9_@-]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (!FIELD.test(String(p))) out += `[${JSON.stringify(String(p))}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

export function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith("[") ? prefix + path : `${prefix}.${path}`;
}
