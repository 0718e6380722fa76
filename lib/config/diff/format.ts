// Envoy v3 values in words, for the readable diff: durations, wrapped numbers, addresses, route matches and
// route targets as a person reads them in the console ("/api", "split a 90 · b 10", "10.0.0.3:80").
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Obj => (isObj(v) ? v : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** A shallow copy of `o` without `keys`. */
export function without(o: Obj, ...keys: string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** A protobuf wrapper (`{value: 5}`) or a plain value: the value. */
export function unwrap(v: unknown): unknown {
  return isObj(v) && Object.keys(v).length === 1 && "value" in v ? v.value : v;
}

/** google.protobuf.Duration as JSON ("15s") or as `{seconds, nanos}`: "15s", "0.25s". */
export function durationText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (isObj(v) && ("seconds" in v || "nanos" in v)) {
    const s = Number(v.seconds ?? 0) + Number(v.nanos ?? 0) / 1e9;
    return `${Number.isFinite(s) ? +s.toFixed(9) : "?"}s`;
  }
  return undefined;
}

const MAX_VALUE = 120;

/** Any JSON value on one line: scalars as they are, durations and wrappers unpacked, objects as compact JSON. */
export function valueText(v: unknown): string {
  const u = unwrap(v);
  if (typeof u === "string") return u === "" ? '""' : u;
  if (typeof u === "number" || typeof u === "boolean") return String(u);
  if (u === null || u === undefined) return "unset";
  const d = durationText(u);
  if (d !== undefined) return d;
  if (Array.isArray(u) && u.every((x) => typeof x !== "object" || x === null)) return u.map((x) => valueText(x)).join(", ") || "none";
  const json = JSON.stringify(u);
  return json.length > MAX_VALUE ? json.slice(0, MAX_VALUE - 1) + "…" : json;
}

/** core.v3.Address: "10.0.0.3:80" (pipe addresses by path). */
export function addressText(address: unknown): string {
  const a = obj(address);
  const s = obj(a.socket_address);
  if (s.address !== undefined) return `${String(s.address)}:${String(unwrap(s.port_value) ?? s.named_port ?? "?")}`;
  const pipe = obj(a.pipe);
  if (pipe.path !== undefined) return `unix:${String(pipe.path)}`;
  return valueText(address);
}

/** The listener's name, or the one Envoy would give it (`127.0.0.1_8080`). */
export function listenerName(l: unknown, index: number): string {
  const o = obj(l);
  const name = str(o.name);
  if (name) return name;
  const s = obj(obj(o.address).socket_address);
  return s.address !== undefined ? `${String(s.address)}_${String(unwrap(s.port_value))}` : `#${index + 1}`;
}

/** route.v3.RouteMatch in words: "/api", "/health (exact)", "regex ^/v\d+", plus its extra conditions. */
export function matchText(match: unknown): string {
  const m = obj(match);
  let path: string;
  if (typeof m.prefix === "string") path = m.prefix === "" ? '""' : m.prefix;
  else if (typeof m.path === "string") path = `${m.path} (exact)`;
  else if (isObj(m.safe_regex)) path = `regex ${String(m.safe_regex.regex)}`;
  else if (typeof m.path_separated_prefix === "string") path = `${m.path_separated_prefix} (path segments)`;
  else path = "?";
  const extra: string[] = [];
  const headers = arr(m.headers).map((h) => str(obj(h).name)).filter(Boolean);
  if (headers.length) extra.push(`header ${headers.join(", ")}`);
  const query = arr(m.query_parameters).map((q) => str(obj(q).name)).filter(Boolean);
  if (query.length) extra.push(`query ${query.join(", ")}`);
  if (m.grpc !== undefined) extra.push("gRPC");
  if (m.runtime_fraction !== undefined) extra.push("runtime fraction");
  if (unwrap(m.case_sensitive) === false) extra.push("case-insensitive");
  return extra.length ? `${path} if ${extra.join(", ")}` : path;
}

export type TargetKind = "cluster" | "weighted_clusters" | "cluster_header" | "redirect" | "direct_response" | "none";

export function targetKind(route: unknown): TargetKind {
  const r = obj(route);
  if (isObj(r.route)) {
    if (r.route.cluster !== undefined) return "cluster";
    if (r.route.weighted_clusters !== undefined) return "weighted_clusters";
    if (r.route.cluster_header !== undefined) return "cluster_header";
  }
  if (r.redirect !== undefined) return "redirect";
  if (r.direct_response !== undefined) return "direct_response";
  return "none";
}

/** route.v3.WeightedCluster: "a 90 · b 10" (weights as written: Envoy splits by their sum). */
export function weightsText(weighted: unknown): string {
  return arr(obj(weighted).clusters)
    .map((c) => `${String(obj(c).name)} ${valueText(obj(c).weight)}`)
    .join(" · ");
}

/** Where a route sends a request, in words. */
export function targetText(route: unknown): string {
  const r = obj(route);
  const a = obj(r.route);
  switch (targetKind(route)) {
    case "cluster":
      return `cluster ${String(a.cluster)}`;
    case "weighted_clusters":
      return `split ${weightsText(a.weighted_clusters)}`;
    case "cluster_header":
      return `cluster named by header ${String(a.cluster_header)}`;
    case "redirect": {
      const d = obj(r.redirect);
      const to = [d.https_redirect ? "https" : str(d.scheme_redirect), str(d.host_redirect), d.port_redirect !== undefined ? `:${String(d.port_redirect)}` : undefined, str(d.path_redirect) ?? str(d.prefix_rewrite)];
      return `redirect ${to.filter(Boolean).join(" ") || "(same URL)"}`;
    }
    case "direct_response":
      return `direct response ${String(obj(r.direct_response).status)}`;
    default:
      return "no action";
  }
}
