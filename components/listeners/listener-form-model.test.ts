import { describe, expect, it } from "vitest";
import { DOWNSTREAM_TLS_TYPE, HCM_TYPE, Listener as ListenerSchema, ROUTER_TYPE } from "@/proxy-core/src/config/schema";
import { ListenerBody } from "@/lib/contract/listeners";
import { listenerField, listenerSummary } from "@/lib/contract/listener-json";
import { emptyListener, formToListener, listenerToForm, newCertificate, validateListener, type ListenerFormState } from "./listener-form-model";
import { validateVhost } from "./virtual-host-model";

const form = (p: Partial<ListenerFormState>): ListenerFormState => ({ ...emptyListener(), ...p });
const withoutKeys = (f: ListenerFormState) => ({ ...f, certificates: f.certificates.map(({ certificateChain, privateKey }) => ({ certificateChain, privateKey })) });

/** A listener as the draft holds it: fields the form does not edit on the listener, its HCM, its TLS, and a second chain. */
function written() {
  const hcm = (prefix: string) => ({
    name: "envoy.filters.network.http_connection_manager",
    typed_config: {
      "@type": HCM_TYPE,
      stat_prefix: prefix,
      server_name: "edge-proxy",
      route_config: { name: "rc", virtual_hosts: [] },
      http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
    },
  });
  const tls = (file: string) => ({
    name: "envoy.transport_sockets.tls",
    typed_config: {
      "@type": DOWNSTREAM_TLS_TYPE,
      common_tls_context: {
        tls_params: { tls_minimum_protocol_version: "TLSv1_3" },
        tls_certificates: [{ certificate_chain: { filename: `${file}.crt` }, private_key: { filename: `${file}.key` } }],
      },
    },
  });
  return {
    name: "edge",
    address: { socket_address: { address: "127.0.0.1", port_value: 8443 } },
    traffic_direction: "INBOUND",
    filter_chains: [
      { filter_chain_match: { server_names: ["a.example.com"] }, filters: [hcm("edge_a")], transport_socket: tls("/tls/a") },
      { filter_chain_match: { server_names: ["b.example.com"] }, filters: [hcm("edge_b")], transport_socket: tls("/tls/b") },
    ],
  };
}

describe("listener form ↔ Envoy Listener JSON", () => {
  it("a new HTTP listener is an HTTP connection manager with the router and an empty route table", () => {
    const { listener, errors } = formToListener(form({ name: "web", port: "8080" }));
    expect(errors).toEqual([]);
    expect(listener).toEqual({
      name: "web",
      address: { socket_address: { address: "0.0.0.0", port_value: 8080 } },
      filter_chains: [
        {
          filters: [
            {
              name: "envoy.filters.network.http_connection_manager",
              typed_config: {
                "@type": HCM_TYPE,
                stat_prefix: "web",
                route_config: { name: "web", virtual_hosts: [] },
                http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
              },
            },
          ],
        },
      ],
    });
    expect(ListenerSchema.safeParse(listener).success).toBe(true);
    expect(withoutKeys(listenerToForm(listener!))).toEqual(withoutKeys(form({ name: "web", port: "8080", statPrefix: "web" })));
  });

  it("a new HTTPS listener has a DownstreamTlsContext with the certificate files and its SNI names, and reads back", () => {
    const f = form({ name: "secure", address: "127.0.0.1", port: "8443", protocol: "https", certificateSource: "files", certificates: [newCertificate("/tls/s.crt", "/tls/s.key")], serverNames: "s.example.com, *.s.example.com" });
    const { listener, errors } = formToListener(f);
    expect(errors).toEqual([]);
    const chain = (listener!.filter_chains as Record<string, unknown>[])[0];
    expect(chain.filter_chain_match).toEqual({ server_names: ["s.example.com", "*.s.example.com"] });
    expect(chain.transport_socket).toEqual({
      name: "envoy.transport_sockets.tls",
      typed_config: {
        "@type": DOWNSTREAM_TLS_TYPE,
        common_tls_context: { tls_certificates: [{ certificate_chain: { filename: "/tls/s.crt" }, private_key: { filename: "/tls/s.key" } }] },
      },
    });
    expect(validateListener(f)).toEqual([]);
    expect(withoutKeys(listenerToForm(listener!))).toEqual(withoutKeys({ ...f, statPrefix: "secure", serverNames: "s.example.com, *.s.example.com" }));
  });

  it("editing keeps every field the form does not edit: the listener's, the HCM's, the TLS parameters, other chains", () => {
    const existing = written();
    const f = listenerToForm(existing);
    expect(f).toMatchObject({ name: "edge", port: "8443", protocol: "https", statPrefix: "edge_a", serverNames: "a.example.com", certificateSource: "files" });
    const { listener, errors } = formToListener({ ...f, port: "9443", certificates: [newCertificate("/tls/new.crt", "/tls/new.key")] }, existing);
    expect(errors).toEqual([]);
    const expected = written();
    expected.address.socket_address.port_value = 9443;
    expected.filter_chains[0].transport_socket.typed_config.common_tls_context.tls_certificates = [{ certificate_chain: { filename: "/tls/new.crt" }, private_key: { filename: "/tls/new.key" } }];
    expect(listener).toEqual(expected);
    // the original is untouched
    expect(existing).toEqual(written());
  });

  it("HTTPS → HTTP drops the TLS socket and SNI names of the first chain only", () => {
    const existing = written();
    existing.filter_chains.pop();
    const { listener } = formToListener({ ...listenerToForm(existing), protocol: "http" }, existing);
    const chain = (listener!.filter_chains as Record<string, unknown>[])[0];
    expect(chain.transport_socket).toBeUndefined();
    expect(chain.filter_chain_match).toBeUndefined();
    expect(listener!.traffic_direction).toBe("INBOUND");
  });

  it("inline certificates are kept as they are and never shown as files", () => {
    const existing = written();
    existing.filter_chains[0].transport_socket.typed_config.common_tls_context.tls_certificates = [{ certificate_chain: { inline_string: "PEM" }, private_key: { inline_string: "KEY" } }] as never;
    const f = listenerToForm(existing);
    expect(f.inlineCertificates).toBe(true);
    const { listener } = formToListener({ ...f, port: "9000" }, existing);
    expect(JSON.stringify(listener)).toContain('"inline_string":"PEM"');
  });

  it("each problem is reported at its field, with the schema's message", () => {
    const at = (f: Partial<ListenerFormState>, existing?: Record<string, unknown>, vhosts = 0) => validateListener(form({ name: "x", port: "80", ...f }), existing, vhosts).map((e) => e.path);
    expect(at({ port: "0" })).toEqual(["port"]);
    expect(at({ port: "eighty" })).toEqual(["port"]);
    expect(at({ port: "" })).toEqual(["port"]);
    expect(at({ name: "" })).toEqual(["name"]);
    expect(at({ name: "a b" })).toEqual(["name"]);
    expect(at({ address: "" })).toEqual(["address"]);
    const files = { protocol: "https", certificateSource: "files" } as const;
    expect(at({ ...files, certificates: [newCertificate("/a.crt", "")] })).toEqual(["certificates[0].privateKey"]);
    expect(at({ ...files, certificates: [] })).toEqual(["certificates"]);
    expect(at({ ...files, certificates: [newCertificate("/a.crt", "/a.key")], serverNames: "a.*.com" })).toEqual([]);
    // a new HTTPS listener takes a secret by default: none chosen yet is an error at the select
    expect(at({ protocol: "https" })).toEqual(["secrets[0]"]);
    expect(at({ protocol: "https", secrets: [] })).toEqual(["secrets"]);
    expect(at({ protocol: "https", secrets: ["edge-cert"] })).toEqual([]);
    expect(at({ protocol: "tcp" })).toEqual(["cluster"]);
    expect(at({ protocol: "tcp", cluster: "db" })).toEqual([]);
    const http = formToListener(form({ name: "x", port: "80" })).listener!;
    expect(at({ protocol: "tcp", cluster: "db" }, http, 2)).toEqual(["protocol"]);
  });
});

describe("listener certificates from TLS secrets", () => {
  const tlsOf = (listener: Record<string, unknown> | null) =>
    ((listener!.filter_chains as Record<string, unknown>[])[0].transport_socket as { typed_config: { common_tls_context: Record<string, unknown> } }).typed_config.common_tls_context;

  it("a new HTTPS listener names its secret with sds_config ads, the way Envoy fetches it over ADS, and reads back", () => {
    const f = form({ name: "secure", port: "8443", protocol: "https", secrets: ["edge-cert"] });
    expect(f.certificateSource).toBe("secret");
    const { listener, errors } = formToListener(f);
    expect(errors).toEqual([]);
    expect(tlsOf(listener)).toEqual({ tls_certificate_sds_secret_configs: [{ name: "edge-cert", sds_config: { ads: {} } }] });
    expect(validateListener(f)).toEqual([]);
    const back = listenerToForm(listener!);
    expect(back).toMatchObject({ protocol: "https", certificateSource: "secret", secrets: ["edge-cert"] });
    expect(listenerSummary(listener!, []).filterChains[0]).toMatchObject({ secrets: ["edge-cert"], certificates: [] });
  });

  it("switching between files and a secret replaces one with the other and keeps the TLS parameters", () => {
    const existing = written();
    const toSecret = formToListener({ ...listenerToForm(existing), certificateSource: "secret", secrets: ["edge-cert"] }, existing).listener!;
    expect(tlsOf(toSecret)).toEqual({ tls_params: { tls_minimum_protocol_version: "TLSv1_3" }, tls_certificate_sds_secret_configs: [{ name: "edge-cert", sds_config: { ads: {} } }] });
    // the second chain keeps its files
    expect(JSON.stringify((toSecret.filter_chains as unknown[])[1])).toContain("/tls/b.crt");
    const f = listenerToForm(toSecret);
    const toFiles = formToListener({ ...f, certificateSource: "files", certificates: [newCertificate("/tls/c.crt", "/tls/c.key")] }, toSecret).listener!;
    expect(tlsOf(toFiles)).toEqual({ tls_params: { tls_minimum_protocol_version: "TLSv1_3" }, tls_certificates: [{ certificate_chain: { filename: "/tls/c.crt" }, private_key: { filename: "/tls/c.key" } }] });
  });

  it("refuses secrets and files together at `secrets`, and maps Envoy's SDS paths to the secret's field", () => {
    const body = ListenerBody.safeParse({ name: "x", port: 443, protocol: "https", secrets: ["a"], certificates: [{ certificateChain: "/a.crt", privateKey: "/a.key" }] });
    expect(body.success).toBe(false);
    expect(body.error!.issues.map((i) => i.path.join("."))).toEqual(["secrets"]);
    const ctx = "filter_chains[0].transport_socket.typed_config.common_tls_context";
    expect(listenerField(`${ctx}.tls_certificate_sds_secret_configs[1].name`)).toBe("secrets[1]");
    expect(listenerField(`${ctx}.tls_certificate_sds_secret_configs[0]`)).toBe("secrets[0]");
    expect(listenerField(`${ctx}.tls_certificate_sds_secret_configs`)).toBe("secrets");
    expect(listenerField(`${ctx}.tls_certificates[0].private_key.filename`)).toBe("certificates[0].privateKey");
  });
});

describe("virtual host form", () => {
  const others = [{ name: "web", domains: ["www.example.com"], filterChainIndex: 0, routes: 3 }];
  it("takes names and domains no other virtual host of its route table has", () => {
    expect(validateVhost({ name: "api", domains: "api.example.com, *.api.example.com" }, others, 0)).toEqual([]);
    expect(validateVhost({ name: "api", domains: "" }, others, 0).map((e) => e.path)).toEqual(["domains"]);
    expect(validateVhost({ name: "web", domains: "a.test" }, others, 0).map((e) => e.path)).toEqual(["name"]);
    expect(validateVhost({ name: "api", domains: "a.test WWW.example.com" }, others, 0)).toEqual([{ path: "domains[1]", message: '"WWW.example.com" is already a domain of virtual host "web"' }]);
    // another filter chain is another route table
    expect(validateVhost({ name: "api", domains: "www.example.com" }, others, 1)).toEqual([]);
  });
});
