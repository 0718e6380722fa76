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

export function validateCluster(f: ClusterFormState): FieldError[] {
  const errors: FieldError[] = [];
  if (!f.name.trim()) errors.push({ path: "name", message: "required" });
  else if (!/^[A-Za-z0-9_.\-]+$/.test(f.name.trim())) errors.push({ path: "name", message: "use letters, digits, '.', '_' and '-' only" });
  if (f.endpoints.length === 0) errors.push({ path: EP_PATH, message: "add at least one endpoint" });
  f.endpoints.forEach((e, i) => {
    const base = `${endpointPath(i)}.endpoint.address.socket_address`;
    if (!e.address.trim()) errors.push({ path: `${base}.address`, message: "required" });
    const port = parseIntField(e.port);
    if (port === undefined) errors.push({ path: `${base}.port_value`, message: "required" });
    else if (Number.isNaN(port) || port < 1 || port > 65535) errors.push({ path: `${base}.port_value`, message: "must be a port between 1 and 65535" });
    const w = parseIntField(e.weight);
    if (w !== undefined && (Number.isNaN(w) || w < 1)) errors.push({ path: `${endpointPath(i)}.load_balancing_weight`, message: "must be a whole number ≥ 1" });
  });
  for (const t of THRESHOLDS) {
    const v = parseIntField(f.thresholds[t.key]);
    if (v !== undefined && (Number.isNaN(v) || v < 0)) errors.push({ path: `${THRESHOLD_PATH}.${t.key}`, message: "must be a whole number ≥ 0" });
  }
  const parsed = ClusterSchema.safeParse(formToCluster(f));
  if (!parsed.success) for (const e of fromZod(parsed.error)) if (!errors.some((x) => x.path === e.path)) errors.push(e);
  return errors;
}
