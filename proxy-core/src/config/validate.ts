// Validation = the zod schema (shape, types, unsupported fields) + consistency checks across resources
// (go-control-plane's Snapshot.Consistent(): every referenced cluster exists, names are unique).
// Every problem is reported with a field path such as `static_resources.clusters[1].lb_policy`.
import { z } from "zod";
import { Bootstrap, SnapshotResources, http2OnlyMessage, isHttp2Only, listenerNameFor, type Cluster, type Listener } from "./schema";
import net from "node:net";
import { zodIssues, type ConfigIssue } from "./issues";
import { joinPath } from "./paths";
import { withWarnings, type ConfigWarning } from "./warnings";
import type { ParseReuse } from "./reuse";
import { httpFilterChainIssues, httpFilterClusterIssues } from "./validate-http-filters";
import { tcpProxyClusterRefs, tcpProxyIssues } from "./validate-tcp-proxy";
import { mirrorClusterRefs } from "./validate-mirror";
import { runtimeLayerIssues } from "./validate-runtime";
import { TCP_PROXY_TYPE, isTcpProxyFilter } from "./schema";
import { jsonArray, jsonAt } from "./json";
import { secretKinds, secretRefIssues, secretRefsOf } from "./validate-secrets";
import type { SecretKind } from "./schema-secret";

export type { ConfigIssue } from "./issues";
export type { ConfigWarning } from "./warnings";
export { formatPath } from "./paths";
export { secretRefs, secretRefsOf, type SecretRef } from "./validate-secrets";

/**
 * A valid config comes with the deprecated fields it used (each mapped onto its replacement, one warning each);
 * a refused one with every problem, one per line.
 */
export type ValidationResult<T> = { ok: true; value: T; warnings: ConfigWarning[] } | { ok: false; errors: ConfigIssue[] };

const join = joinPath;

/** Cross-resource checks on parsed listeners and clusters; `prefix` is prepended to every path. */
export function checkConsistency(listeners: Listener[], clusters: Cluster[], prefix = ""): ConfigIssue[] {
  const errors: ConfigIssue[] = [];
  const at = (p: string) => join(prefix, p);

  const clusterNames = new Map<string, number>();
  // HTTP/2-only clusters serve gRPC clients (ext_authz), never the HTTP/1.1 router or a Zipkin collector
  const http2Only = new Set(clusters.filter(isHttp2Only).map((c) => c.name));
  clusters.forEach((c, i) => {
    if (clusterNames.has(c.name)) errors.push({ path: at(`clusters[${i}].name`), message: `duplicate cluster name "${c.name}" (also clusters[${clusterNames.get(c.name)}])` });
    else clusterNames.set(c.name, i);
    const type = c.type ?? "STATIC";
    if (type === "LOGICAL_DNS" && (c.load_assignment?.endpoints ?? []).reduce((n, l) => n + l.lb_endpoints.length, 0) !== 1)
      errors.push({ path: at(`clusters[${i}].load_assignment`), message: "a LOGICAL_DNS cluster needs exactly one endpoint" });
    c.load_assignment?.endpoints?.forEach((loc, li) =>
      loc.lb_endpoints.forEach((ep, ei) => {
        const address = ep.endpoint.address.socket_address.address;
        if (type === "STATIC" && net.isIP(address) === 0)
          errors.push({ path: at(`clusters[${i}].load_assignment.endpoints[${li}].lb_endpoints[${ei}].endpoint.address.socket_address.address`), message: `"${address}" is not an IP address; a STATIC cluster needs IPs (use type STRICT_DNS for host names)` });
      }),
    );
  });

  const listenerNames = new Map<string, number>();
  const bound = new Map<string, number>();
  listeners.forEach((l, i) => {
    if (listenerNames.has(l.name))
      errors.push({ path: at(`listeners[${i}].name`), message: `duplicate listener name "${l.name}" (also listeners[${listenerNames.get(l.name)}])${l.name === listenerNameFor(l.address) ? "; a listener without a name is named after its address, so name one of them" : ""}` });
    else listenerNames.set(l.name, i);
    const sa = l.address.socket_address;
    const key = `${sa.address}:${sa.port_value}`;
    if (sa.port_value !== 0 && bound.has(key)) errors.push({ path: at(`listeners[${i}].address`), message: `address ${key} is already used by listeners[${bound.get(key)}]` });
    else bound.set(key, i);

    errors.push(...checkFilterChains(l, `listeners[${i}]`).map((e) => ({ path: at(e.path), message: e.message })));
    const chains = l.default_filter_chain ? [...l.filter_chains, l.default_filter_chain] : l.filter_chains;
    chains.forEach((fc, fi) =>
      fc.filters.forEach((f, ni) => {
        const chainPath = fi < l.filter_chains.length ? `filter_chains[${fi}]` : "default_filter_chain";
        const base = `listeners[${i}].${chainPath}.filters[${ni}].typed_config`;
        if (isTcpProxyFilter(f)) return void errors.push(...tcpProxyIssues(f.typed_config, at(base), clusterNames));
        const hcm = f.typed_config;
        errors.push(...httpFilterChainIssues(hcm, base).map((e) => ({ path: at(e.path), message: e.message })));
        errors.push(...httpFilterClusterIssues(hcm, base, clusterNames, http2Only).map((e) => ({ path: at(e.path), message: e.message })));
        const zipkin = hcm.tracing?.provider?.typed_config;
        if (zipkin !== undefined && !clusterNames.has(zipkin.collector_cluster))
          errors.push({ path: at(`${base}.tracing.provider.typed_config.collector_cluster`), message: `unknown cluster "${zipkin.collector_cluster}"` });
        else if (zipkin !== undefined && http2Only.has(zipkin.collector_cluster))
          errors.push({ path: at(`${base}.tracing.provider.typed_config.collector_cluster`), message: http2OnlyMessage(zipkin.collector_cluster) });
        for (const [name, path] of mirrorClusterRefs(hcm.route_config)) {
          const mirrorPath = at(`${base}.route_config.${path}`);
          if (typeof name === "string" && !clusterNames.has(name)) errors.push({ path: mirrorPath, message: `unknown cluster "${name}"` });
          else if (typeof name === "string" && http2Only.has(name)) errors.push({ path: mirrorPath, message: http2OnlyMessage(name) });
        }
        const domains = new Map<string, number>();
        const vhostNames = new Map<string, number>();
        let wildcard = -1;
        hcm.route_config.virtual_hosts?.forEach((vh, vi) => {
          // Envoy refuses a route table with two virtual hosts of the same name
          if (vhostNames.has(vh.name)) errors.push({ path: at(`${base}.route_config.virtual_hosts[${vi}].name`), message: `duplicate virtual host name "${vh.name}" (also virtual_hosts[${vhostNames.get(vh.name)}])` });
          else vhostNames.set(vh.name, vi);
          vh.domains.forEach((d, di) => {
            const dl = d.toLowerCase();
            if (domains.has(dl)) errors.push({ path: at(`${base}.route_config.virtual_hosts[${vi}].domains[${di}]`), message: `domain "${d}" is already used by virtual_hosts[${domains.get(dl)}]` });
            else domains.set(dl, vi);
            if (d === "*") {
              if (wildcard >= 0 && wildcard !== vi) errors.push({ path: at(`${base}.route_config.virtual_hosts[${vi}].domains[${di}]`), message: `only one virtual host may use "*" (virtual_hosts[${wildcard}] already does)` });
              wildcard = vi;
            }
          });
          vh.routes?.forEach((r, ri) => {
            const name = r.route?.cluster;
            if (name !== undefined && !clusterNames.has(name))
              errors.push({ path: at(`${base}.route_config.virtual_hosts[${vi}].routes[${ri}].route.cluster`), message: `unknown cluster "${name}"` });
            else if (name !== undefined && http2Only.has(name))
              errors.push({ path: at(`${base}.route_config.virtual_hosts[${vi}].routes[${ri}].route.cluster`), message: http2OnlyMessage(name) });
            r.route?.weighted_clusters?.clusters.forEach((wc, wi) => {
              const wcPath = at(`${base}.route_config.virtual_hosts[${vi}].routes[${ri}].route.weighted_clusters.clusters[${wi}].name`);
              if (!clusterNames.has(wc.name)) errors.push({ path: wcPath, message: `unknown cluster "${wc.name}"` });
              else if (http2Only.has(wc.name)) errors.push({ path: wcPath, message: http2OnlyMessage(wc.name) });
            });
          });
        });
      }),
    );
  });
  return errors;
}

/**
 * Listener filter-chain rules (Envoy's filter_chain_manager): no two chains with the same match, TLS on all
 * chains or none (there is no transport_protocol sniffing for mixed listeners), mTLS needs a trusted CA.
 */
function checkFilterChains(l: Listener, base: string): ConfigIssue[] {
  const errors: ConfigIssue[] = [];
  const names = new Map<string, number>();
  let catchAll = -1;
  l.filter_chains.forEach((fc, fi) => {
    const sn = fc.filter_chain_match?.server_names ?? [];
    if (sn.length === 0) {
      if (catchAll >= 0) errors.push({ path: `${base}.filter_chains[${fi}]`, message: `multiple filter chains with the same matching rules (filter_chains[${catchAll}] also has no server_names)` });
      else catchAll = fi;
    }
    sn.forEach((n, ni) => {
      const k = n.toLowerCase();
      if (names.has(k)) errors.push({ path: `${base}.filter_chains[${fi}].filter_chain_match.server_names[${ni}]`, message: `server name "${n}" is already matched by filter_chains[${names.get(k)}]` });
      else names.set(k, fi);
      if (k.includes("*") && !/^\*\.[^*]+$/.test(k)) errors.push({ path: `${base}.filter_chains[${fi}].filter_chain_match.server_names[${ni}]`, message: `"${n}": a wildcard must be a leading "*." label such as *.example.com` });
    });
  });
  const chains = l.default_filter_chain ? [...l.filter_chains, l.default_filter_chain] : l.filter_chains;
  // a tcp_proxy chain without a transport_socket on a TLS listener passes the TLS stream through (picked by SNI)
  const plainHttp = chains.some((fc) => fc.transport_socket === undefined && !fc.filters.some(isTcpProxyFilter));
  if (chains.some((fc) => fc.transport_socket !== undefined) && plainHttp)
    errors.push({ path: `${base}.filter_chains`, message: "either every filter chain of a listener has a TLS transport_socket or none does (mixed TLS/plaintext listeners are not supported; only a tcp_proxy chain may go without one, passing TLS through)" });
  chains.forEach((fc, fi) => {
    const t = fc.transport_socket?.typed_config;
    const p = fi < l.filter_chains.length ? `${base}.filter_chains[${fi}]` : `${base}.default_filter_chain`;
    if (t?.require_client_certificate && !t.common_tls_context.validation_context && !t.common_tls_context.validation_context_sds_secret_config)
      errors.push({ path: `${p}.transport_socket.typed_config.require_client_certificate`, message: "require_client_certificate needs common_tls_context.validation_context.trusted_ca (or validation_context_sds_secret_config)" });
  });
  return errors;
}

/**
 * Cluster references checked on raw input. When the schema refuses a document, the typed consistency checks
 * cannot run, yet the author should still hear about every problem at once (an unknown cluster beside a bad port).
 */
function rawReferenceIssues(listeners: unknown, clusters: unknown, prefix: string): ConfigIssue[] {
  const names = new Set(jsonArray(clusters).map((c) => jsonAt(c, "name")).filter((n) => typeof n === "string"));
  const out: ConfigIssue[] = [];
  const check = (name: unknown, path: string) => {
    if (typeof name === "string" && name !== "" && !names.has(name)) out.push({ path: join(prefix, path), message: `unknown cluster "${name}"` });
  };
  jsonArray(listeners).forEach((l, li) => {
    const chains: [unknown, string][] = jsonArray(jsonAt(l, "filter_chains")).map((fc, fi) => [fc, `listeners[${li}].filter_chains[${fi}]`]);
    const defaultChain = jsonAt(l, "default_filter_chain");
    if (defaultChain) chains.push([defaultChain, `listeners[${li}].default_filter_chain`]);
    for (const [fc, fcPath] of chains)
      jsonArray(jsonAt(fc, "filters")).forEach((f, ni) => {
        const tc = jsonAt(f, "typed_config");
        check(jsonAt(tc, "tracing", "provider", "typed_config", "collector_cluster"), `${fcPath}.filters[${ni}].typed_config.tracing.provider.typed_config.collector_cluster`);
        if (jsonAt(tc, "@type") === TCP_PROXY_TYPE) for (const [name, path] of tcpProxyClusterRefs(tc)) check(name, `${fcPath}.filters[${ni}].typed_config.${path}`);
        for (const [name, path] of mirrorClusterRefs(jsonAt(tc, "route_config"))) check(name, `${fcPath}.filters[${ni}].typed_config.route_config.${path}`);
        jsonArray(jsonAt(tc, "route_config", "virtual_hosts")).forEach((vh, vi) =>
          jsonArray(jsonAt(vh, "routes")).forEach((r, ri) => {
            const base = `${fcPath}.filters[${ni}].typed_config.route_config.virtual_hosts[${vi}].routes[${ri}].route`;
            check(jsonAt(r, "route", "cluster"), `${base}.cluster`);
            jsonArray(jsonAt(r, "route", "weighted_clusters", "clusters")).forEach((wc, wi) => check(jsonAt(wc, "name"), `${base}.weighted_clusters.clusters[${wi}].name`));
          }),
        );
      });
  });
  return out;
}

function schemaFailure(error: z.ZodError, input: unknown, listeners: unknown, clusters: unknown, prefix: string): { ok: false; errors: ConfigIssue[] } {
  const errors = zodIssues(error, input);
  const seen = new Set(errors.map((e) => e.path));
  for (const e of rawReferenceIssues(listeners, clusters, prefix)) if (!seen.has(e.path)) errors.push(e);
  return { ok: false, errors };
}

export interface ValidateBootstrapOptions {
  /**
   * The document is served through a control plane (the console validating a draft it will push): secret
   * references in either form name these secrets (by name and kind, beside static_resources.secrets), or, with
   * null, are checked for shape only. Absent (a -c file): references name static_resources.secrets, and one with
   * sds_config is refused, as it needs --control-plane.
   */
  controlPlane?: ReadonlyMap<string, SecretKind> | null;
}

/** Validates an Envoy v3 bootstrap document (parsed YAML/JSON). */
export function validateBootstrap(input: unknown, options: ValidateBootstrapOptions = {}): ValidationResult<Bootstrap> {
  const { result: parsed, warnings } = withWarnings(input, () => Bootstrap.safeParse(input));
  if (!parsed.success) {
    const sr = jsonAt(input, "static_resources");
    return schemaFailure(parsed.error, input, jsonAt(sr, "listeners"), jsonAt(sr, "clusters"), "static_resources");
  }
  const sr = parsed.data.static_resources;
  const errors = checkConsistency(sr.listeners ?? [], sr.clusters ?? [], "static_resources");
  // a bootstrap's secret references resolve against its own static_resources.secrets (and a control plane's)
  const { kinds, issues } = secretKinds(sr.secrets ?? [], "static_resources.secrets");
  errors.push(...issues);
  const cp = options.controlPlane;
  const refs = secretRefsOf(sr.listeners, sr.clusters, "static_resources");
  if (cp === undefined) errors.push(...secretRefIssues(refs, kinds, "bootstrap"));
  else if (cp !== null) errors.push(...secretRefIssues(refs, new Map([...kinds, ...cp]), "known"));
  errors.push(...runtimeLayerIssues(parsed.data.layered_runtime?.layers));
  return errors.length ? { ok: false, errors } : { ok: true, value: parsed.data, warnings };
}

export interface ValidateResourcesOptions {
  /**
   * The secrets there are, by name and kind, when `input` carries none (the console validating a draft without
   * the secret material): every secret reference must name one of the right kind. Without either, references
   * are checked for shape only.
   */
  secrets?: ReadonlyMap<string, SecretKind>;
}

/**
 * Validates the resources of a snapshot pushed by the console: `{listeners, clusters}`, and the `secrets` the
 * worker merged in (every secret reference must name one of them). With `reuse`, routes whose JSON the last valid
 * snapshot had are taken from it instead of parsed again.
 */
export function validateResources(input: unknown, reuse?: ParseReuse, options: ValidateResourcesOptions = {}): ValidationResult<SnapshotResources> {
  const parse = () => withWarnings(input, () => SnapshotResources.safeParse(input));
  const { result: parsed, warnings } = reuse ? reuse.run(parse, (r) => r.result.success) : parse();
  if (!parsed.success) return schemaFailure(parsed.error, input, jsonAt(input, "listeners"), jsonAt(input, "clusters"), "");
  const v = parsed.data;
  const errors = checkConsistency(v.listeners, v.clusters);
  const known = v.secrets ? secretKinds(v.secrets, "secrets") : options.secrets ? { kinds: options.secrets, issues: [] } : null;
  if (known !== null) errors.push(...known.issues, ...secretRefIssues(secretRefsOf(v.listeners, v.clusters), known.kinds, v.secrets ? "console" : "known"));
  return errors.length ? { ok: false, errors } : { ok: true, value: v, warnings };
}

export function formatIssues(errors: ConfigIssue[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join("\n");
}
