// Downstream TLS on listeners (Envoy docs: TLS, intro/arch_overview/security/ssl; filter-chain selection by
// FilterChainMatch.server_names in config/listener/v3/listener_components.proto): SNI filter-chain selection, client
// certificates (mTLS), the minimum protocol version, stats, x-forwarded-proto, and refused TLS configs. Real
// certificates from openssl, real TLS clients.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import https from "node:https";
import tls from "node:tls";
import { HCM_TYPE, DOWNSTREAM_TLS_TYPE, TLS_INSPECTOR_TYPE, type FilterChain, type Listener } from "../../src/config/schema";
import { validateResources } from "../../src/config/validate";
import { cluster, startProxy, startUpstream, type Harness, type Upstream } from "./harness";
import { makeCertDir, selfSigned, signed, type CertSet } from "../fixtures/certs";

let certs: CertSet;
let up: Upstream;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

beforeAll(async () => {
  certs = makeCertDir();
  selfSigned(certs.dir, "ca", "Test CA");
  signed(certs.dir, "domain1", "ca", "domain1.example.com");
  signed(certs.dir, "wild", "ca", "*.example.com");
  signed(certs.dir, "default", "ca", "default.test");
  signed(certs.dir, "client", "ca", "client.example.com");
  selfSigned(certs.dir, "rogue", "client.example.com"); // a client cert not signed by the CA
  up = await startUpstream((req, res) => res.end(JSON.stringify({ xfp: req.headers["x-forwarded-proto"], url: req.url })));
});
afterAll(async () => {
  await up.close();
  certs.cleanup();
});

function chain(prefix: string, cert: string, opts: { serverNames?: string[]; tlsExtra?: Record<string, unknown>; common?: Record<string, unknown> } = {}): FilterChain {
  return {
    ...(opts.serverNames ? { filter_chain_match: { server_names: opts.serverNames } } : {}),
    filters: [
      {
        name: "envoy.filters.network.http_connection_manager",
        typed_config: {
          "@type": HCM_TYPE,
          stat_prefix: prefix,
          route_config: { virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "svc" } }] }] },
        },
      },
    ],
    transport_socket: {
      name: "envoy.transport_sockets.tls",
      typed_config: {
        "@type": DOWNSTREAM_TLS_TYPE,
        common_tls_context: {
          tls_certificates: [{ certificate_chain: { filename: certs.file(`${cert}.crt`) }, private_key: { filename: certs.file(`${cert}.key`) } }],
          ...opts.common,
        },
        ...opts.tlsExtra,
      },
    },
  } as FilterChain;
}

function tlsListener(chains: FilterChain[], extra: Partial<Listener> = {}): Listener {
  return {
    name: "tls",
    address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
    listener_filters: [{ name: "envoy.filters.listener.tls_inspector", typed_config: { "@type": TLS_INSPECTOR_TYPE } }],
    filter_chains: chains,
    ...extra,
  };
}

async function start(l: Listener): Promise<Harness> {
  const h = await startProxy([l], [cluster("svc", [up.port])]);
  cleanups.push(() => h.close());
  return h;
}

interface TlsReply {
  status: number;
  body: string;
  peerCN: string;
}

function get(port: number, servername: string | undefined, opts: tls.ConnectionOptions = {}): Promise<TlsReply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: "127.0.0.1", port, path: "/", agent: false, servername, ca: certs.read("ca.crt"), checkServerIdentity: () => undefined, ...opts } as https.RequestOptions,
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, body, peerCN: String((res.socket as tls.TLSSocket).getPeerCertificate().subject?.CN) }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("TLS listeners", () => {
  it("SNI picks the filter chain: exact name, then the wildcard; unknown SNI without a default chain → connection closed", async () => {
    const h = await start(tlsListener([chain("d1", "domain1", { serverNames: ["domain1.example.com"] }), chain("wild", "wild", { serverNames: ["*.example.com"] })]));
    const a = await get(h.port, "domain1.example.com");
    expect(a.status).toBe(200);
    expect(a.peerCN).toBe("domain1.example.com");
    expect(JSON.parse(a.body).xfp).toBe("https");
    const b = await get(h.port, "www.example.com");
    expect(b.peerCN).toBe("*.example.com");
    const c = await get(h.port, "a.b.example.com"); // wildcards span dots (most specific suffix)
    expect(c.peerCN).toBe("*.example.com");
    await expect(get(h.port, "other.test")).rejects.toThrow(/socket hang up|ECONNRESET|disconnected/);
    await expect(get(h.port, undefined)).rejects.toThrow();
    expect(await h.stat("http.d1.downstream_cx_ssl_total")).toBe(1);
    expect(await h.stat("http.wild.downstream_cx_ssl_total")).toBe(2);
    expect(await h.stat("http.wild.downstream_rq_2xx")).toBe(2);
    const addr = `127.0.0.1_${h.port}`;
    expect(await h.stat(`listener.${addr}.no_filter_chain_match`)).toBe(2);
    expect(await h.stat(`listener.${addr}.ssl.handshake`)).toBe(3);
    expect(await h.stat(`listener.${addr}.downstream_cx_total`)).toBe(5);
  });

  it("default_filter_chain takes unmatched SNI and clients without SNI", async () => {
    const h = await start(tlsListener([chain("d1", "domain1", { serverNames: ["domain1.example.com"] })], { default_filter_chain: chain("dflt", "default") }));
    expect((await get(h.port, "other.test")).peerCN).toBe("default.test");
    expect((await get(h.port, undefined)).peerCN).toBe("default.test");
    expect((await get(h.port, "DOMAIN1.example.com")).peerCN).toBe("domain1.example.com"); // case-insensitive
  });

  it("require_client_certificate: no cert → handshake fails; a cert from another CA fails; a CA-signed cert works", async () => {
    const h = await start(
      tlsListener([
        chain("mtls", "domain1", {
          tlsExtra: { require_client_certificate: true },
          common: { validation_context: { trusted_ca: { filename: certs.file("ca.crt") } } },
        }),
      ]),
    );
    await expect(get(h.port, "domain1.example.com")).rejects.toThrow();
    await expect(get(h.port, "domain1.example.com", { cert: certs.read("rogue.crt"), key: certs.read("rogue.key") })).rejects.toThrow();
    const ok = await get(h.port, "domain1.example.com", { cert: certs.read("client.crt"), key: certs.read("client.key") });
    expect(ok.status).toBe(200);
    const addr = `127.0.0.1_${h.port}`;
    await expect.poll(() => h.stat(`listener.${addr}.ssl.connection_error`)).toBe(2);
    expect(await h.stat(`listener.${addr}.ssl.fail_verify_no_cert`)).toBe(1);
    expect(await h.stat(`listener.${addr}.ssl.handshake`)).toBe(1);
    expect(await h.stat("http.mtls.downstream_rq_total")).toBe(1);
  });

  it("TLSv1.1 clients are refused (minimum TLSv1_2); tls_params can pin TLSv1.2 as the maximum", async () => {
    const h = await start(tlsListener([chain("d1", "domain1")]));
    await expect(get(h.port, "x", { minVersion: "TLSv1", maxVersion: "TLSv1.1" })).rejects.toThrow();
    const h2 = await start({
      ...tlsListener([chain("d2", "domain1", { common: { tls_params: { tls_maximum_protocol_version: "TLSv1_2" } } })]),
      name: "tls12",
    });
    const r = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: "127.0.0.1", port: h2.port, servername: "x", ca: certs.read("ca.crt"), checkServerIdentity: () => undefined }, () => {
        resolve(s.getProtocol()!);
        s.end();
      });
      s.on("error", reject);
    });
    expect(r).toBe("TLSv1.2");
  });

  it("refuses bad TLS configs with their paths: missing key file, h2 ALPN, mixed TLS/plaintext chains, duplicate server names", async () => {
    const h = await start(tlsListener([chain("d1", "domain1")]));
    const missing = tlsListener([chain("d1", "nope")]);
    await expect(h.proxy.apply({ listeners: [missing], clusters: [cluster("svc", [up.port])] }, "v2")).rejects.toThrow(/tls_certificates\[0\]\.private_key: cannot read .*nope\.key: ENOENT/);
    const plain = chain("p", "domain1", { serverNames: ["b.example.com"] });
    delete (plain as { transport_socket?: unknown }).transport_socket;
    const problems = (l: Listener) => {
      const v = validateResources({ listeners: [l], clusters: [cluster("svc", [up.port])] });
      return v.ok ? [] : v.errors.map((e) => `${e.path}: ${e.message}`);
    };
    expect(problems(tlsListener([chain("a", "domain1", { common: { alpn_protocols: ["h2", "http/1.1"] } })]))).toEqual([
      "listeners[0].filter_chains[0].transport_socket.typed_config.common_tls_context.alpn_protocols[0]: only http/1.1 is supported (HTTP/2 is not)",
    ]);
    const msgs = problems(tlsListener([chain("a", "domain1", { serverNames: ["a.example.com"] }), plain, chain("c", "domain1", { serverNames: ["A.example.com"] })]));
    expect(msgs).toContainEqual(expect.stringMatching(/^listeners\[0\]\.filter_chains: either every filter chain/));
    expect(msgs).toContainEqual(expect.stringMatching(/^listeners\[0\]\.filter_chains\[2\]\.filter_chain_match\.server_names\[0\]: server name "A\.example\.com" is already matched/));
    // the running config is untouched
    expect((await get(h.port, "x")).status).toBe(200);
  });
});
