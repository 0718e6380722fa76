// Envoy's JSON parser takes a single element where a repeated field belongs ("The original ESF parser permits a
// single element in place of an array thereof", ParseField in protobuf's json/internal/parser.cc), and so does the
// proxy's schema. The draft stores one row per element of the lists it splits into rows, so before a document is
// split, those lists are written as lists: the draft then holds what the schema read, in Envoy's canonical form.
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** `o[key]` as a list when it is a single object (in place); the list, or [] when absent or not a list. */
function listAt(o: unknown, key: string): unknown[] {
  if (!isObj(o)) return [];
  const v = o[key];
  if (isObj(v)) o[key] = [v];
  return Array.isArray(o[key]) ? (o[key] as unknown[]) : [];
}

/** A copy of `doc` whose listeners, clusters, virtual hosts, routes, localities, endpoints and thresholds are lists. */
export function repeatedAsLists<T>(doc: T): T {
  const out = structuredClone(doc);
  const sr = isObj(out) ? out.static_resources : undefined;
  for (const listener of listAt(sr, "listeners"))
    for (const chain of listAt(listener, "filter_chains"))
      for (const filter of listAt(chain, "filters")) {
        const rc = isObj(filter) && isObj(filter.typed_config) ? filter.typed_config.route_config : undefined;
        for (const vh of listAt(rc, "virtual_hosts")) listAt(vh, "routes");
      }
  for (const cluster of listAt(sr, "clusters")) {
    const la = isObj(cluster) ? cluster.load_assignment : undefined;
    for (const locality of listAt(la, "endpoints")) listAt(locality, "lb_endpoints");
    listAt(isObj(cluster) ? cluster.circuit_breakers : undefined, "thresholds");
  }
  return out;
}
