// TLS secrets (Envoy's SDS: transport_sockets.tls.v3.Secret and SdsSecretConfig): the schema's accepted and
// refused forms, with their paths and lines; references checked against a bootstrap's static secrets, the
// secrets a worker merged in, or the kinds the console knows; secretRefs, the names a snapshot uses.
import { describe, expect, it } from "vitest";
import { DOWNSTREAM_TLS_TYPE, HCM_TYPE, ROUTER_TYPE, UPSTREAM_TLS_TYPE, secretRefs, validateBootstrap, validateResources, type ConfigIssue } from "../../src/config/index";

const PEM = { inline_string: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" };
const KEY = { inline_string: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n" };
const CTX = "listeners[0].filter_chains[0].transport_socket.typed_config.common_tls_context";
const UP = "clusters[0].transport_socket.typed_config.common_tls_context";

function tlsListener(common: Record<string, unknown>) {
  return {
    name: "tls",
    address: { socket_address: { address: "127.0.0.1", port_value: 8443 } },
    filter_chains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": HCM_TYPE,
              stat_prefix: "in",
              route_config: { virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, direct_response: { status: 200 } }] }] },
              http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
            },
          },
        ],
        transport_socket: { name: "envoy.transport_sockets.tls", typed_config: { "@type": DOWNSTREAM_TLS_TYPE, common_tls_context: common } },
      },
    ],
  };
}

function tlsCluster(common: Record<string, unknown>) {
  return {
    name: "up",
    load_assignment: { cluster_name: "up", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9443 } } } }] }] },
    transport_socket: { name: "envoy.transport_sockets.tls", typed_config: { "@type": UPSTREAM_TLS_TYPE, common_tls_context: common } },
  };
}

const ADS = { ads: {} };
const cert = (name: string) => ({ name, tls_certificate: { certificate_chain: PEM, private_key: KEY } });
const ca = (name: string) => ({ name, validation_context: { trusted_ca: PEM } });

function errorsOf(r: { ok: true } | { ok: false; errors: ConfigIssue[] }): ConfigIssue[] {
  return r.ok ? [] : r.errors;
}

describe("the schema of secrets and secret references", () => {
  it("accepts a listener and a cluster naming their certificates and CAs, in both forms", () => {
    const r = validateResources({
      listeners: [tlsListener({ tls_certificate_sds_secret_configs: [{ name: "web", sds_config: { ads: {}, resource_api_version: "V3", initial_fetch_timeout: "5s" } }], validation_context_sds_secret_config: { name: "clients" } })],
      clusters: [tlsCluster({ tls_certificate_sds_secret_configs: { name: "client", sds_config: ADS }, validation_context_sds_secret_config: { name: "upstream-ca", sds_config: ADS } })],
      secrets: [cert("web"), ca("clients"), cert("client"), ca("upstream-ca")],
    });
    expect(errorsOf(r)).toEqual([]);
  });

  it("refuses the sds_config sources Signalbox does not have, each with what is supported", () => {
    const supported = "secrets come from static_resources.secrets (no sds_config) or from the Signalbox console (sds_config: {ads: {}})";
    const r = validateResources({
      listeners: [tlsListener({ tls_certificate_sds_secret_configs: [{ name: "a", sds_config: { path_config_source: { path: "/etc/sds.yaml" } } }, { name: "b", sds_config: { api_config_source: { api_type: "GRPC" } } }, { name: "c", sds_config: { path: "/x" } }] })],
      clusters: [],
    });
    expect(errorsOf(r)).toEqual(
      expect.arrayContaining([
        { path: `${CTX}.tls_certificate_sds_secret_configs[0].sds_config.path_config_source`, message: `path_config_source is not supported by Signalbox: ${supported}` },
        { path: `${CTX}.tls_certificate_sds_secret_configs[1].sds_config.api_config_source`, message: `api_config_source is not supported by Signalbox: ${supported}` },
        { path: `${CTX}.tls_certificate_sds_secret_configs[2].sds_config.path`, message: `path is not supported by Signalbox: ${supported}` },
      ]),
    );
  });

  it("refuses an sds_config without ads, a reference without a name, V2, and fields ads does not take", () => {
    const r = validateResources({
      listeners: [tlsListener({ tls_certificate_sds_secret_configs: [{ name: "a", sds_config: { resource_api_version: "V3" } }, { name: "", sds_config: ADS }, { name: "b", sds_config: { ads: {}, resource_api_version: "V2" } }] })],
      clusters: [],
    });
    expect(errorsOf(r)).toEqual(
      expect.arrayContaining([
        { path: `${CTX}.tls_certificate_sds_secret_configs[0].sds_config.ads`, message: expect.stringMatching(/^is required: secrets come from static_resources\.secrets/) },
        { path: `${CTX}.tls_certificate_sds_secret_configs[1].name`, message: "required" },
        { path: `${CTX}.tls_certificate_sds_secret_configs[2].sds_config.resource_api_version`, message: "V2 is not supported (supported: V3)" },
      ]),
    );
  });

  it("needs a certificate from either field, refuses both kinds mixed and both validation contexts (a oneof)", () => {
    const none = validateResources({ listeners: [tlsListener({})], clusters: [] });
    expect(errorsOf(none)).toEqual([{ path: `${CTX}.tls_certificates`, message: "at least one certificate is required (tls_certificates or tls_certificate_sds_secret_configs)" }]);
    const mixed = validateResources({
      listeners: [tlsListener({ tls_certificates: [{ certificate_chain: PEM, private_key: KEY }], tls_certificate_sds_secret_configs: [{ name: "web" }], validation_context: { trusted_ca: PEM }, validation_context_sds_secret_config: { name: "ca" } })],
      clusters: [],
    });
    expect(errorsOf(mixed)).toEqual([
      { path: `${CTX}.tls_certificate_sds_secret_configs`, message: expect.stringMatching(/^SDS and non-SDS TLS certificates may not be mixed/) },
      { path: `${CTX}.validation_context_sds_secret_config`, message: "only one of validation_context or validation_context_sds_secret_config may be set (a oneof in Envoy's CommonTlsContext)" },
    ]);
    const upstream = validateResources({ listeners: [], clusters: [tlsCluster({ tls_certificate_sds_secret_configs: [{ name: "a" }, { name: "b" }] })] });
    expect(errorsOf(upstream)).toEqual([{ path: `${UP}.tls_certificate_sds_secret_configs`, message: "only one client certificate is supported" }]);
  });

  it("refuses secrets of no kind, of two kinds, and the kinds Signalbox does not have, naming the field", () => {
    const r = validateResources({
      listeners: [],
      clusters: [],
      secrets: [{ name: "empty" }, { ...cert("both"), validation_context: { trusted_ca: PEM } }, { name: "tickets", session_ticket_keys: { keys: [PEM] } }, { name: "g", generic_secret: { secret: PEM } }, { name: "", tls_certificate: { certificate_chain: PEM } }],
    });
    expect(errorsOf(r)).toEqual([
      { path: "secrets[0].tls_certificate", message: "a secret needs exactly one of tls_certificate or validation_context" },
      { path: "secrets[1].validation_context", message: "a secret holds one of tls_certificate or validation_context, not both" },
      { path: "secrets[2].session_ticket_keys", message: "session_ticket_keys secrets are not supported by Signalbox (supported: tls_certificate, validation_context)" },
      { path: "secrets[3].generic_secret", message: "generic_secret secrets are not supported by Signalbox (supported: tls_certificate, validation_context)" },
      { path: "secrets[4].name", message: "required" },
      { path: "secrets[4].tls_certificate.private_key", message: "is required" },
    ]);
  });
});

describe("secret references", () => {
  it("in a snapshot, name a delivered secret of the right kind, whatever their form; names are unique", () => {
    const r = validateResources({
      listeners: [tlsListener({ tls_certificate_sds_secret_configs: [{ name: "web", sds_config: ADS }, { name: "clients" }], validation_context_sds_secret_config: { name: "web", sds_config: ADS } })],
      clusters: [tlsCluster({ tls_certificate_sds_secret_configs: [{ name: "gone", sds_config: ADS }] })],
      secrets: [cert("web"), ca("clients"), cert("web")],
    });
    expect(errorsOf(r)).toEqual([
      { path: "secrets[2].name", message: 'duplicate secret name "web" (also secrets[0])' },
      { path: `${CTX}.tls_certificate_sds_secret_configs[1].name`, message: 'secret "clients" is a validation_context secret; this field needs a tls_certificate secret' },
      { path: `${CTX}.validation_context_sds_secret_config.name`, message: 'secret "web" is a tls_certificate secret; this field needs a validation_context secret' },
      { path: `${UP}.tls_certificate_sds_secret_configs[0].name`, message: 'unknown secret "gone" (the console delivered no secret of that name)' },
    ]);
  });

  it("a console draft is checked against the kinds it knows, and only for shape when it knows none", () => {
    const draft = { listeners: [tlsListener({ tls_certificate_sds_secret_configs: [{ name: "web", sds_config: ADS }], validation_context_sds_secret_config: { name: "ca", sds_config: ADS } })], clusters: [] };
    expect(errorsOf(validateResources(draft, undefined, { secrets: new Map([["web", "tls_certificate"], ["ca", "validation_context"]]) }))).toEqual([]);
    expect(errorsOf(validateResources(draft, undefined, { secrets: new Map([["web", "validation_context"]]) }))).toEqual([
      { path: `${CTX}.tls_certificate_sds_secret_configs[0].name`, message: 'secret "web" is a validation_context secret; this field needs a tls_certificate secret' },
      { path: `${CTX}.validation_context_sds_secret_config.name`, message: 'unknown secret "ca" (no secret of that name is defined)' },
    ]);
    expect(errorsOf(validateResources(draft))).toEqual([]);
    // secrets the input carries win over the known kinds
    expect(errorsOf(validateResources({ ...draft, secrets: [] }, undefined, { secrets: new Map([["web", "tls_certificate"]]) }))).toHaveLength(2);
  });

  it("in a bootstrap, resolve against static_resources.secrets, and one from the console needs a control plane", () => {
    const ok = validateBootstrap({ static_resources: { listeners: [tlsListener({ tls_certificate_sds_secret_configs: [{ name: "web" }] })], secrets: [cert("web")] } });
    expect(errorsOf(ok)).toEqual([]);
    const bad = validateBootstrap({
      static_resources: {
        listeners: [tlsListener({ tls_certificate_sds_secret_configs: [{ name: "web", sds_config: ADS }, { name: "other" }] })],
        secrets: cert("web"),
      },
    });
    expect(errorsOf(bad)).toEqual([
      {
        path: `static_resources.${CTX}.tls_certificate_sds_secret_configs[0].sds_config`,
        message: 'secret "web" comes from a control plane (sds_config: {ads: {}}), which needs --control-plane; in a bootstrap file, put it in static_resources.secrets and leave sds_config out',
      },
      { path: `static_resources.${CTX}.tls_certificate_sds_secret_configs[1].name`, message: 'unknown secret "other" (static_resources.secrets has no secret of that name)' },
    ]);
    const dup = validateBootstrap({ static_resources: { secrets: [ca("x"), ca("x")] } });
    expect(errorsOf(dup)).toEqual([{ path: "static_resources.secrets[1].name", message: 'duplicate secret name "x" (also secrets[0])' }]);
  });

  it("a bootstrap served through a control plane (a console draft) resolves against the console's kinds, or checks shape only", () => {
    const doc = { static_resources: { listeners: [tlsListener({ tls_certificate_sds_secret_configs: [{ name: "web", sds_config: ADS }, { name: "nope", sds_config: ADS }] })] } };
    expect(errorsOf(validateBootstrap(doc, { controlPlane: new Map([["web", "tls_certificate"]]) }))).toEqual([
      { path: `static_resources.${CTX}.tls_certificate_sds_secret_configs[1].name`, message: 'unknown secret "nope" (no secret of that name is defined)' },
    ]);
    expect(errorsOf(validateBootstrap(doc, { controlPlane: null }))).toEqual([]);
    expect(errorsOf(validateBootstrap(doc))).toHaveLength(2);
  });

  it("require_client_certificate is satisfied by a validation context from a secret", () => {
    const l = tlsListener({ tls_certificate_sds_secret_configs: [{ name: "web" }], validation_context_sds_secret_config: { name: "ca" } });
    const ts = l.filter_chains[0].transport_socket.typed_config as Record<string, unknown>;
    ts.require_client_certificate = true;
    expect(errorsOf(validateResources({ listeners: [l], clusters: [], secrets: [cert("web"), ca("ca")] }))).toEqual([]);
  });
});

describe("secretRefs", () => {
  it("lists every secret a snapshot names, in either form, from chains, default chains and clusters, parsed or raw", () => {
    const l = tlsListener({ tls_certificate_sds_secret_configs: [{ name: "web", sds_config: ADS }, { name: "static-one" }], validation_context_sds_secret_config: { name: "clients", sds_config: ADS } });
    const withDefault = { ...l, name: "second", default_filter_chain: { ...l.filter_chains[0], transport_socket: tlsListener({ tls_certificate_sds_secret_configs: { name: "fallback" } }).filter_chains[0].transport_socket } };
    const raw = { listeners: [l, withDefault], clusters: [tlsCluster({ tls_certificate_sds_secret_configs: [{ name: "client" }], validation_context_sds_secret_config: { name: "upstream-ca" } }), { name: "plain" }] };
    expect([...secretRefs(raw)].sort()).toEqual(["client", "clients", "fallback", "static-one", "upstream-ca", "web"]);
    expect(secretRefs({ listeners: [], clusters: [] }).size).toBe(0);
    expect(secretRefs(null).size).toBe(0);
    // the parsed resources give the same names
    const parsed = validateResources({ listeners: [l], clusters: [] });
    expect(parsed.ok && [...secretRefs(parsed.value)].sort()).toEqual(["clients", "static-one", "web"]);
  });
});
