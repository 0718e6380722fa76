// A listener's form-friendly body ↔ Envoy's Listener JSON. Pure, and shared: the server builds what it stores
// with it (lib/config/draft-listeners.ts), and the console's listener form builds the same JSON to check it as
// you type with the proxy's schema. The form edits the first filter chain (its network filter's stat_prefix,
// its TLS certificates and SNI names, or its tcp_proxy cluster) and the address; every other field of the
// listener, its other filter chains included, is kept as written.
import {
  DOWNSTREAM_TLS_TYPE,
  HCM_TYPE,
  ROUTER_TYPE,
  TCP_PROXY_TYPE,
  listenerNameFor,
} from "../../proxy-core/src/config/schema";
import type { Listener } from "../../proxy-core/src/config/schema";
import { formatPath } from "../../proxy-core/src/config/paths";
import type { FieldError } from "./common";
import type { DraftListenerItem, ListenerBody, ListenerFilterChain, ListenerProtocol, ListenerVirtualHost } from "./listeners";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

export const HCM_FILTER_NAME = "envoy.filters.network.http_connection_manager";
export const TCP_PROXY_FILTER_NAME = "envoy.filters.network.tcp_proxy";
export const TLS_SOCKET_NAME = "envoy.transport_sockets.tls";
export const DEFAULT_LISTENER_ADDRESS = "0.0.0.0";

const typeOf = (filter: unknown) => str(obj(obj(filter)?.typed_config)?.["@type"]);
const isHcm = (filter: unknown) => typeOf(filter) === HCM_TYPE;
const isTcpProxy = (filter: unknown) => typeOf(filter) === TCP_PROXY_TYPE;

/** The index of a chain's terminal network filter (the HCM or tcp_proxy); -1 when it has none. */
export function terminalFilterIndex(chain: unknown): number {
  return arr(obj(chain)?.filters).findIndex((f) => isHcm(f) || isTcpProxy(f));
}

export function chainProtocol(chain: unknown): ListenerProtocol {
  const filters = arr(obj(chain)?.filters);
  if (filters.some(isTcpProxy)) return "tcp";
  return obj(chain)?.transport_socket !== undefined ? "https" : "http";
}

/** The listener's name: the one written, else the one workers give it (its address, listenerNameFor). */
export function listenerName(json: unknown): string {
  const name = str(obj(json)?.name);
  if (name) return name;
  const sa = obj(obj(obj(json)?.address)?.socket_address);
  return listenerNameFor({ socket_address: { address: str(sa?.address) ?? "", port_value: Number(sa?.port_value ?? 0) } });
}

const fileOf = (source: unknown) => str(obj(source)?.filename);

function chainSummary(chain: unknown, index: number): ListenerFilterChain {
  const ctx = obj(obj(obj(obj(chain)?.transport_socket)?.typed_config)?.common_tls_context);
  return {
    index,
    protocol: chainProtocol(chain),
    serverNames: arr(obj(obj(chain)?.filter_chain_match)?.server_names).flatMap((n) => str(n) ?? []),
    certificates: arr(ctx?.tls_certificates).map((c) => ({ certificateChain: fileOf(obj(c)?.certificate_chain), privateKey: fileOf(obj(c)?.private_key) })),
    secrets: arr(ctx?.tls_certificate_sds_secret_configs).flatMap((c) => str(obj(c)?.name) ?? []),
  };
}

/** The GET /api/draft/listeners item of a listener's JSON (as the draft holds it) and its virtual hosts. */
export function listenerSummary(json: Obj, virtualHosts: ListenerVirtualHost[]): DraftListenerItem {
  const sa = obj(obj(json.address)?.socket_address);
  const chains = arr(json.filter_chains);
  const first = chains[0];
  const terminal = obj(obj(arr(obj(first)?.filters)[terminalFilterIndex(first)])?.typed_config);
  return {
    name: listenerName(json),
    address: str(sa?.address) ?? "",
    port: Number(sa?.port_value ?? 0),
    protocol: chainProtocol(first),
    statPrefix: str(terminal?.stat_prefix),
    cluster: isTcpProxy(arr(obj(first)?.filters)[terminalFilterIndex(first)]) ? str(terminal?.cluster) : null,
    filterChains: chains.map(chainSummary),
    virtualHosts,
    routes: virtualHosts.reduce((n, v) => n + v.routes, 0),
    listener: json as Listener,
  };
}

function newHcm(body: ListenerBody): Obj {
  return {
    name: HCM_FILTER_NAME,
    typed_config: {
      "@type": HCM_TYPE,
      stat_prefix: body.statPrefix ?? body.name,
      route_config: { name: body.name, virtual_hosts: [] },
      http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
    },
  };
}

/** Sets the chain's SNI names (none: the match goes, and filter_chain_match with it when it is left empty). */
function setServerNames(chain: Obj, names: string[] | undefined) {
  const match = obj(chain.filter_chain_match);
  if (names?.length) chain.filter_chain_match = { ...match, server_names: names };
  else if (match) {
    delete match.server_names;
    if (Object.keys(match).length === 0) delete chain.filter_chain_match;
  }
}

/**
 * Envoy's Listener JSON for `body`, on top of `existing` (the listener being replaced, as the draft holds it)
 * so the fields the body does not edit stay. `primaryVirtualHosts`: how many virtual hosts the first filter
 * chain holds (a chain that becomes tcp_proxy would lose them). `issues` are the body's problems that only the
 * listener it replaces can tell (a new HTTPS listener without a certificate), with the body's field paths.
 */
export function buildListener(body: ListenerBody, existing?: Obj, primaryVirtualHosts = 0): { listener: Obj; issues: FieldError[] } {
  const issues: FieldError[] = [];
  const json: Obj = existing ? structuredClone(existing) : {};
  json.name = body.name;
  const address = obj(json.address) ?? {};
  const sa = obj(address.socket_address) ?? {};
  json.address = { ...address, socket_address: { ...sa, address: body.address ?? str(sa.address) ?? DEFAULT_LISTENER_ADDRESS, port_value: body.port } };

  const chains = Array.isArray(json.filter_chains) ? json.filter_chains : (json.filter_chains = []);
  if (!isObj(chains[0])) chains[0] = {};
  const chain = chains[0] as Obj;
  const filters = Array.isArray(chain.filters) ? chain.filters : (chain.filters = []);
  const at = terminalFilterIndex(chain);
  const current = at >= 0 ? filters[at] : undefined;

  if (body.protocol === "tcp") {
    if (isHcm(current) && primaryVirtualHosts > 0)
      issues.push({ path: "protocol", message: `a TCP listener has no virtual hosts: delete its ${primaryVirtualHosts === 1 ? "virtual host" : `${primaryVirtualHosts} virtual hosts`} (and their routes) first` });
    const tcp = isTcpProxy(current) ? (current as Obj) : { name: TCP_PROXY_FILTER_NAME, typed_config: { "@type": TCP_PROXY_TYPE, stat_prefix: body.statPrefix ?? body.name } };
    const config = tcp.typed_config as Obj;
    if (body.statPrefix !== undefined) config.stat_prefix = body.statPrefix;
    if (body.cluster !== undefined) {
      config.cluster = body.cluster;
      delete config.weighted_clusters;
    } else if (config.cluster === undefined && config.weighted_clusters === undefined)
      issues.push({ path: "cluster", message: "required: the cluster a TCP listener forwards connections to" });
    if (at >= 0) filters[at] = tcp;
    else filters.push(tcp);
    // a TCP listener's TLS (termination or passthrough by SNI) is the config's to say: kept as written
    return { listener: json, issues };
  }

  const hcm = isHcm(current) ? (current as Obj) : newHcm(body);
  const config = hcm.typed_config as Obj;
  if (body.statPrefix !== undefined) config.stat_prefix = body.statPrefix;
  // the route table's virtual_hosts key is where the draft puts the listener's virtual host rows back
  const routeConfig: Obj = obj(config.route_config) ?? { name: body.name };
  config.route_config = routeConfig;
  if (!Array.isArray(routeConfig.virtual_hosts)) routeConfig.virtual_hosts = [];
  if (at >= 0) filters[at] = hcm;
  else filters.push(hcm);

  if (body.protocol === "http") {
    delete chain.transport_socket;
    setServerNames(chain, undefined);
    const match = obj(chain.filter_chain_match);
    if (match?.transport_protocol === "tls") {
      delete match.transport_protocol;
      if (Object.keys(match).length === 0) delete chain.filter_chain_match;
    }
    return { listener: json, issues };
  }

  // https: Envoy's DownstreamTlsContext with the certificates as secrets (SDS) or as files; Envoy refuses the
  // two mixed in one CommonTlsContext, so writing one removes the other
  const socket = obj(chain.transport_socket) ?? { name: TLS_SOCKET_NAME };
  const tls = obj(socket.typed_config) ?? { "@type": DOWNSTREAM_TLS_TYPE };
  const common = obj(tls.common_tls_context) ?? {};
  if (body.secrets !== undefined) {
    // `ads: {}`: the worker gets the secret over its control-plane session (Envoy's SDS over ADS)
    common.tls_certificate_sds_secret_configs = body.secrets.map((name) => ({ name, sds_config: { ads: {} } }));
    delete common.tls_certificates;
  } else if (body.certificates !== undefined) {
    common.tls_certificates = body.certificates.map((c) => ({ certificate_chain: { filename: c.certificateChain }, private_key: { filename: c.privateKey } }));
    delete common.tls_certificate_sds_secret_configs;
  } else if (arr(common.tls_certificates).length === 0 && arr(common.tls_certificate_sds_secret_configs).length === 0)
    issues.push({ path: "certificates", message: "required: an HTTPS listener needs a certificate: a secret, or certificate and key files" });
  chain.transport_socket = { ...socket, typed_config: { ...tls, common_tls_context: common } };
  if (body.serverNames !== undefined) setServerNames(chain, body.serverNames);
  return { listener: json, issues };
}

const TLS_CERTS = /^filter_chains\[0\]\.transport_socket\.typed_config\.common_tls_context\.tls_certificates/;
const TLS_SDS = /^filter_chains\[0\]\.transport_socket\.typed_config\.common_tls_context\.tls_certificate_sds_secret_configs/;
const FIELDS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^name$/, () => "name"],
  [/^address\.socket_address\.address$/, () => "address"],
  // "address … is already used": the port is what one changes
  [/^address(\.socket_address(\.port_value)?)?$/, () => "port"],
  [new RegExp(TLS_CERTS.source + /\[(\d+)\]\.certificate_chain(\..*)?$/.source), (m) => `certificates[${m[1]}].certificateChain`],
  [new RegExp(TLS_CERTS.source + /\[(\d+)\]\.private_key(\..*)?$/.source), (m) => `certificates[${m[1]}].privateKey`],
  [new RegExp(TLS_CERTS.source + "$"), () => "certificates"],
  [new RegExp(TLS_SDS.source + /\[(\d+)\](\..*)?$/.source), (m) => `secrets[${m[1]}]`],
  [new RegExp(TLS_SDS.source + "$"), () => "secrets"],
  [/^filter_chains\[0\]\.filter_chain_match\.server_names\[(\d+)\]$/, (m) => `serverNames[${m[1]}]`],
  [/^filter_chains\[0\]\.filters\[\d+\]\.typed_config\.stat_prefix$/, () => "statPrefix"],
  [/^filter_chains\[0\]\.filters\[\d+\]\.typed_config\.cluster$/, () => "cluster"],
];

/**
 * The body field an Envoy path (relative to the listener) stands for: `address.socket_address.port_value` →
 * `port`; a path the body has no field for is returned as it is.
 */
export function listenerField(path: string): string {
  for (const [re, field] of FIELDS) {
    const m = re.exec(path);
    if (m) return field(m);
  }
  return path;
}

/** A body's zod issues as field errors with the body's paths (`certificates[0].privateKey`). */
export function bodyErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldError[] {
  return issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}
