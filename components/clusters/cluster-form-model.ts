// Cluster form state ↔ Envoy v3 Cluster JSON. The form edits the first locality's endpoints and the
// DEFAULT-priority thresholds; every other field of the original cluster is kept as it was.
import { Cluster as ClusterSchema } from "@/proxy-core/src/config/schema";
import type { FieldError } from "@/components/queries/api-client";
import type { Cluster } from "@/components/queries/types";
import { fromZod, parseIntField } from "../ui/field-errors";

export interface EndpointRow {
  key: number;
  address: string;
  port: string;
  weight: string;
}

export const THRESHOLDS = [
  { key: "max_connections", label: "Max connections", def: 1024, meaning: "Connections the proxy opens to all hosts of the cluster together." },
  { key: "max_pending_requests", label: "Max pending requests", def: 1024, meaning: "Requests allowed to wait for a free connection; beyond it requests fail fast with 503." },
  { key: "max_requests", label: "Max requests", def: 1024, meaning: "Requests in flight to the cluster at once." },
  { key: "max_retries", label: "Max retries", def: 3, meaning: "Retries in flight to the cluster at once, across all requests." },
] as const;

export type ThresholdKey = (typeof THRESHOLDS)[number]["key"];

export interface ClusterFormState {
  name: string;
  type: string;
  lbPolicy: string;
  connectTimeout: string;
  endpoints: EndpointRow[];
  thresholds: Record<ThresholdKey, string>;
}

let nextKey = 1;
export const newEndpoint = (address = "", port = "", weight = ""): EndpointRow => ({ key: nextKey++, address, port, weight });

export function emptyCluster(): ClusterFormState {
  return {
    name: "",
    type: "",
    lbPolicy: "",
    connectTimeout: "",
    endpoints: [newEndpoint("127.0.0.1")],
    thresholds: { max_connections: "", max_pending_requests: "", max_requests: "", max_retries: "" },
  };
}

const EP_PATH = "load_assignment.endpoints[0].lb_endpoints";
export const endpointPath = (i: number) => `${EP_PATH}[${i}]`;
export const THRESHOLD_PATH = "circuit_breakers.thresholds[0]";

function defaultThresholdIndex(c: Cluster): number {
  const t = c.circuit_breakers?.thresholds ?? [];
  const i = t.findIndex((x) => (x.priority ?? "DEFAULT") === "DEFAULT");
  return i < 0 ? 0 : i;
}

export function clusterToForm(c: Cluster): ClusterFormState {
  const eps = c.load_assignment?.endpoints?.[0]?.lb_endpoints ?? [];
  const t = c.circuit_breakers?.thresholds?.[defaultThresholdIndex(c)] ?? {};
  const s = (v: number | undefined) => (v === undefined ? "" : String(v));
  return {
    name: c.name,
    type: c.type ?? "",
    lbPolicy: c.lb_policy ?? "",
    connectTimeout: c.connect_timeout ?? "",
    endpoints: eps.map((e) =>
      newEndpoint(e.endpoint.address.socket_address.address, String(e.endpoint.address.socket_address.port_value), s(e.load_balancing_weight)),
    ),
    thresholds: {
      max_connections: s(t.max_connections),
      max_pending_requests: s(t.max_pending_requests),
      max_requests: s(t.max_requests),
      max_retries: s(t.max_retries),
    },
  };
}

export function formToCluster(f: ClusterFormState, original?: Cluster): Cluster {
  const c: Cluster = { ...(original ?? {}), name: f.name.trim() };
  const opt = <K extends "type" | "lb_policy" | "connect_timeout">(k: K, v: string) => {
    if (v.trim()) (c as Record<string, unknown>)[k] = v.trim();
    else delete c[k];
  };
  opt("type", f.type);
  opt("lb_policy", f.lbPolicy);
  opt("connect_timeout", f.connectTimeout);

  const lbEndpoints = f.endpoints.map((e) => {
    const weight = parseIntField(e.weight);
    return {
      endpoint: { address: { socket_address: { address: e.address.trim(), port_value: parseIntField(e.port) ?? NaN } } },
      ...(weight !== undefined ? { load_balancing_weight: weight } : {}),
    };
  });
  const otherLocalities = original?.load_assignment?.endpoints?.slice(1) ?? [];
  c.load_assignment = { cluster_name: c.name, endpoints: [{ lb_endpoints: lbEndpoints }, ...otherLocalities] };

  const values: Record<string, number> = {};
  for (const t of THRESHOLDS) {
    const v = parseIntField(f.thresholds[t.key]);
    if (v !== undefined) values[t.key] = v;
  }
  const existing = original?.circuit_breakers?.thresholds ?? [];
  const idx = original ? defaultThresholdIndex(original) : 0;
  const priority = existing[idx]?.priority;
  const others = existing.filter((_, i) => i !== idx);
  const mine = Object.keys(values).length ? [{ ...(priority ? { priority } : {}), ...values }] : [];
  const thresholds = [...mine, ...others];
  if (thresholds.length) c.circuit_breakers = { ...(original?.circuit_breakers ?? {}), thresholds };
  else delete c.circuit_breakers;
  return c;
}

/**
 * The same check the server runs for the cluster itself: the contract's Cluster schema, whose limits and messages
 * the API uses too (proxy-core/src/config/schema-limits.ts: name length and characters, ports 1–65535 …). The form
 * adds only "required" where a field is empty, as the schema would refuse it in less direct words.
 */
export function validateCluster(f: ClusterFormState): FieldError[] {
  const errors: FieldError[] = [];
  if (!f.name.trim()) errors.push({ path: "name", message: "required" });
  if (f.endpoints.length === 0) errors.push({ path: EP_PATH, message: "add at least one endpoint" });
  f.endpoints.forEach((e, i) => {
    const base = `${endpointPath(i)}.endpoint.address.socket_address`;
    if (!e.address.trim()) errors.push({ path: `${base}.address`, message: "required" });
    if (!e.port.trim()) errors.push({ path: `${base}.port_value`, message: "required" });
  });
  const parsed = ClusterSchema.safeParse(formToCluster(f));
  if (!parsed.success) for (const e of fromZod(parsed.error)) if (!errors.some((x) => x.path === e.path)) errors.push(e);
  return errors;
}

/** Is `path` the field `field` (an Envoy path, as the inputs are named) or inside it? */
export const isUnder = (path: string, field: string) => path === field || path.startsWith(field + ".") || path.startsWith(field + "[");
