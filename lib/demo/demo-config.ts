// The demo's config change, pure: add the demo clusters and /demo/ routes to a draft document (and take them
// out again) without touching anything else the user wrote. Demo resources are recognised by name
// (DEMO_CLUSTERS), so starting the demo twice replaces them instead of adding a second set.
import { validateDocument } from "../config/validation";
import type { BootstrapDoc } from "../config/draft-mapper";
import { conflict } from "../errors";
import type { DemoUpstreamKind } from "./contract";
import {
  isTcpProxyFilter,
  type Cluster, type HcmNetworkFilter, type HttpConnectionManager, type Listener, type NetworkFilter, type Route, type RouteAction, type Tracing, type VirtualHost,
} from "../../proxy-core/src/config/index";

export const DEMO_CLUSTERS: Record<DemoUpstreamKind, string> = { healthy: "demo-healthy", slow: "demo-slow", flaky: "demo-flaky" };
const DEMO_NAMES: ReadonlySet<unknown> = new Set(Object.values(DEMO_CLUSTERS));
export const demoPath = (kind: DemoUpstreamKind) => `/demo/${kind}`;

/** The HCM sampling the demo adds when the listener has no `tracing` of its own (Envoy: HttpConnectionManager.Tracing). */
export const DEMO_TRACING: Tracing = { random_sampling: { value: 100 } };

export interface DemoTarget {
  listener: string;
  /** where a client on this machine reaches the listener */
  host: string;
  port: number;
}

export interface DemoPlan {
  doc: BootstrapDoc;
  target: DemoTarget;
  /** the tracing block the demo added to the listener's HCM (null: it kept the listener's own, or none) */
  tracingAdded: Tracing | null;
  notes: string[];
}

// the document's resources as the schema reads them: the demo edits a draft that was validated, and validates its result
const listenersOf = (doc: BootstrapDoc) => (doc.static_resources.listeners ?? []) as Listener[];
const clustersOf = (doc: BootstrapDoc) => (doc.static_resources.clusters ?? []) as Cluster[];
const isHcm = (f: NetworkFilter): f is HcmNetworkFilter => !isTcpProxyFilter(f);
const catchAll = (vh: VirtualHost) => Array.isArray(vh?.domains) && vh.domains.includes("*");

/** A plain-HTTP filter chain whose HCM has a catch-all virtual host, or null. */
function demoChain(listener: Listener): { hcm: HttpConnectionManager; vhost: VirtualHost } | null {
  for (const fc of listener?.filter_chains ?? []) {
    if (fc?.transport_socket) continue;
    const hcm = (fc.filters ?? []).find(isHcm)?.typed_config;
    const vhost = (hcm?.route_config?.virtual_hosts ?? []).find(catchAll);
    if (hcm && vhost) return { hcm, vhost };
  }
  return null;
}

function addressOf(listener: Listener): { address: string; port: number } {
  const sa = listener.address.socket_address;
  return { address: String(sa.address ?? ""), port: Number(sa.port_value ?? 0) };
}

/** The starter listener (by address, else by its name "main"), else the first listener the demo can use. */
export function pickListener(doc: BootstrapDoc, starter: { address: string; port: number }): Listener {
  const usable = listenersOf(doc).filter((l) => demoChain(l) && addressOf(l).port > 0);
  const listener =
    usable.find((l) => addressOf(l).port === starter.port && addressOf(l).address === starter.address) ??
    usable.find((l) => l.name === "main") ??
    usable[0];
  if (!listener)
    throw conflict(
      "no listener to add the /demo/ routes to: the demo needs a plain-HTTP listener with a fixed port and a catch-all (domains: [\"*\"]) virtual host, like the starter listener",
    );
  return listener;
}

function clientHost(address: string): string {
  // a wildcard bind is reached on loopback; a specific address as it is
  if (address === "" || address === "0.0.0.0") return "127.0.0.1";
  if (address === "::") return "::1";
  return address;
}

function demoCluster(kind: DemoUpstreamKind, port: number): Cluster {
  const name = DEMO_CLUSTERS[kind];
  const c: Cluster = {
    name,
    type: "STATIC",
    connect_timeout: "1s",
    lb_policy: "ROUND_ROBIN",
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: port } } } }] }] },
  };
  // Tight enough that the load's bursts overflow it (Envoy's circuit breaking: requests beyond max_requests
  // and the pending queue are refused with 503 and counted in upstream_rq_pending_overflow). max_connections
  // too, so a real Envoy, which opens one HTTP/1.1 connection per request in flight, trips the same way.
  if (kind === "slow") c.circuit_breakers = { thresholds: [{ priority: "DEFAULT", max_connections: 2, max_pending_requests: 1, max_requests: 2 }] };
  return c;
}

function demoRoute(kind: DemoUpstreamKind, statPrefix: boolean): Route {
  const action: RouteAction = { cluster: DEMO_CLUSTERS[kind], timeout: "5s" };
  const r: Route = {
    name: DEMO_CLUSTERS[kind],
    match: { prefix: demoPath(kind) },
    route: action,
    // names the server span of the demo's traces
    decorator: { operation: `demo ${kind}` },
  };
  // Envoy's route.v3.Route.stat_prefix: per-route stats under vhost.<vhost>.route.<stat_prefix>.
  if (statPrefix) r.stat_prefix = `demo_${kind}`;
  if (kind === "flaky")
    // Envoy's router retry policy: 5xx answers and resets are retried twice, each try bounded, so most
    // flaky failures never reach the client and upstream_rq_retry counts them.
    action.retry_policy = { retry_on: "5xx,reset,connect-failure", num_retries: 2, per_try_timeout: "1s" };
  return r;
}

const KINDS: DemoUpstreamKind[] = ["healthy", "slow", "flaky"];

export type AddedTracing = { listener: string; tracing: Tracing } | null;

function build(input: BootstrapDoc, ports: Record<DemoUpstreamKind, number>, listenerName: string, previous: AddedTracing, o: { tracing: boolean; statPrefix: boolean }) {
  const doc = removeDemoResources(input, previous).doc;
  const listener = listenersOf(doc).find((l) => l.name === listenerName);
  const { hcm, vhost } = demoChain(listener!)!;
  // first, so the user's routes (often a catch-all "/") cannot shadow them; in turn they take only /demo/<kind>
  vhost.routes = [...KINDS.map((k) => demoRoute(k, o.statPrefix)), ...(vhost.routes ?? [])];
  let tracingAdded: Tracing | null = null;
  if (o.tracing && hcm.tracing === undefined) hcm.tracing = tracingAdded = structuredClone(DEMO_TRACING);
  doc.static_resources.clusters = [...(doc.static_resources.clusters ?? []), ...KINDS.map((k) => demoCluster(k, ports[k]))];
  return { doc, tracingAdded, hadTracing: hcm.tracing !== undefined && tracingAdded === null };
}

/**
 * The draft plus the demo: three clusters, three routes first in the listener's catch-all virtual host, and
 * 100 % trace sampling on its HCM unless it has tracing settings of its own (those are kept). What this
 * proxy-core's schema refuses (route stat_prefix, tracing) is left out and said in `notes`.
 */
export function addDemoConfig(
  input: BootstrapDoc,
  ports: Record<DemoUpstreamKind, number>,
  starter: { address: string; port: number },
  /** the tracing a previous demo added and did not take out yet: replaced, not mistaken for the user's */
  previous: AddedTracing = null,
): DemoPlan {
  const listener = pickListener(input, starter);
  const opts = { tracing: true, statPrefix: true };
  let built = build(input, ports, listener.name, previous, opts);
  const refused = validateDocument(built.doc);
  if (refused.some((e) => /\.stat_prefix$/.test(e.path) && e.path.includes(".routes["))) opts.statPrefix = false;
  if (refused.some((e) => /\.tracing(\.|$)/.test(e.path))) opts.tracing = false;
  if (!opts.statPrefix || !opts.tracing) built = build(input, ports, listener.name, previous, opts);

  const notes: string[] = [];
  const { address, port } = addressOf(listener);
  notes.push(`routes ${KINDS.map(demoPath).join(", ")} added first to listener "${listener.name}" (${address}:${port})`);
  notes.push(`circuit breaker on ${DEMO_CLUSTERS.slow}: max_connections 2, max_pending_requests 1, max_requests 2`);
  notes.push(`retries on ${demoPath("flaky")}: retry_on 5xx,reset,connect-failure, num_retries 2`);
  if (built.tracingAdded) notes.push(`tracing: 100 % sampling added to listener "${listener.name}" (traces on the Traces page)`);
  else if (built.hadTracing) notes.push(`tracing: listener "${listener.name}" keeps its own tracing settings`);
  else notes.push("tracing: skipped, this proxy-core refuses HCM tracing on that listener");
  notes.push(opts.statPrefix ? "route stat_prefix: demo_<kind> on each demo route (stats under vhost.<virtual host>.route.demo_<kind>.)" : "route stat_prefix: skipped, this proxy-core's route schema does not accept Envoy's route stat_prefix");
  return { doc: built.doc, target: { listener: listener.name, host: clientHost(address), port }, tracingAdded: built.tracingAdded, notes };
}

/**
 * The document without the demo's clusters and routes; also without the HCM tracing the demo added, when
 * `tracingAdded` names it and it is still exactly that (the user's own edits win).
 */
export function removeDemoResources(input: BootstrapDoc, tracingAdded: AddedTracing): { doc: BootstrapDoc; changed: boolean } {
  const doc = structuredClone(input);
  let changed = false;
  const clusters = clustersOf(doc);
  doc.static_resources.clusters = clusters.filter((c) => !DEMO_NAMES.has(c?.name));
  changed ||= doc.static_resources.clusters.length !== clusters.length;
  for (const l of listenersOf(doc))
    for (const fc of l?.filter_chains ?? [])
      for (const f of fc?.filters ?? []) {
        if (!isHcm(f)) continue;
        for (const vh of f.typed_config.route_config.virtual_hosts ?? []) {
          const routes = vh.routes ?? [];
          const kept = routes.filter((r) => !(DEMO_NAMES.has(r?.name) && DEMO_NAMES.has(r?.route?.cluster)));
          if (kept.length !== routes.length) {
            vh.routes = kept;
            changed = true;
          }
        }
        if (tracingAdded && l.name === tracingAdded.listener && JSON.stringify(f.typed_config.tracing) === JSON.stringify(tracingAdded.tracing)) {
          delete f.typed_config.tracing;
          changed = true;
        }
      }
  return { doc, changed };
}
