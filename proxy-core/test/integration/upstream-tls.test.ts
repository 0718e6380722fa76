// Upstream TLS (Envoy docs: TLS, intro/arch_overview/security/ssl): cluster transport_socket
// envoy.transport_sockets.tls with an UpstreamTlsContext, against real node:https upstreams using certificates made
// by openssl at test time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { cluster, listener, request, startProxy, type Harness } from "./harness";
import { makeCerts, type TestCerts } from "./upstream-tls-certs";
import { UPSTREAM_TLS_TYPE, type Cluster, type UpstreamTlsContext } from "../../src/config";
import { RESET_PREFIX } from "../../src/router/local-reply";

let certs: TestCerts;
beforeAll(() => {
  certs = makeCerts();
});
afterAll(() => certs.cleanup());
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Seen {
  servername: string | false;
  protocol: string | null;
  clientCn: string | null;
}
async function httpsUpstream(opts: https.ServerOptions = {}): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = https.createServer({ cert: certs.serverCert, key: certs.serverKey, ...opts }, (req, res) => {
    const s = req.socket as TLSSocket;
    const peer = s.getPeerCertificate();
    seen.push({ servername: (s as TLSSocket & { servername: string | false }).servername, protocol: s.getProtocol(), clientCn: peer && peer.subject ? String(peer.subject.CN) : null });
    res.end("secure");
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return { port: (server.address() as AddressInfo).port, seen };
}
async function proxy(port: number, ctx: Omit<UpstreamTlsContext, "@type">, extra: Partial<Cluster> = {}): Promise<Harness> {
  const h = await startProxy(
    [listener("l", [{ match: { prefix: "/" }, route: { cluster: "tls" } }])],
    [cluster("tls", [port], { transport_socket: { name: "envoy.transport_sockets.tls", typed_config: { "@type": UPSTREAM_TLS_TYPE, ...ctx } }, ...extra })],
  );
  cleanups.push(() => h.close());
  return h;
}

describe("upstream TLS", () => {
  it("no validation_context: every server cert is accepted; no SNI unless `sni`; TLS 1.2 by default (Envoy's upstream max)", async () => {
    const up = await httpsUpstream();
    const h = await proxy(up.port, {});
    const r = await request(h.port, "/", { headers: { host: "app.example.com" } });
    expect(r.status).toBe(200);
    expect(r.body).toBe("secure");
    expect(up.seen[0].servername).toBe(false); // the Host header never becomes the SNI
    expect(up.seen[0].protocol).toBe("TLSv1.2");
    // keep-alive: a second request with another Host reuses the same connection
    await request(h.port, "/", { headers: { host: "other.example.com" } });
    expect(await h.stat("cluster.tls.upstream_cx_total")).toBe(1);
  });

  it("sni, tls_params TLSv1_3, trusted_ca (inline) verifies the chain without a hostname check", async () => {
    const up = await httpsUpstream();
    const h = await proxy(up.port, {
      sni: "upstream.test",
      common_tls_context: { tls_params: { tls_maximum_protocol_version: "TLSv1_3" }, validation_context: { trusted_ca: { inline_string: certs.ca } } },
    });
    const r = await request(h.port, "/");
    expect(r.status).toBe(200);
    expect(up.seen[0]).toMatchObject({ servername: "upstream.test", protocol: "TLSv1.3" });
  });

  it("a server cert not signed by trusted_ca fails the connection: 503 with Envoy's reset body, connect_fail counted", async () => {
    const up = await httpsUpstream();
    const h = await proxy(up.port, { common_tls_context: { validation_context: { trusted_ca: { inline_string: certs.otherCa } } } });
    const r = await request(h.port, "/");
    expect(r.status).toBe(503);
    expect(r.body.startsWith(RESET_PREFIX)).toBe(true);
    expect(up.seen.length).toBe(0);
    expect(await h.stat("cluster.tls.upstream_cx_connect_fail")).toBe(1);
  });

  it("client certificate (tls_certificates from files) for an upstream that requires one", async () => {
    const up = await httpsUpstream({ requestCert: true, rejectUnauthorized: true, ca: certs.ca });
    const h = await proxy(up.port, {
      common_tls_context: {
        tls_certificates: [{ certificate_chain: { filename: certs.clientCertFile }, private_key: { filename: certs.clientKeyFile } }],
        validation_context: { trusted_ca: { filename: certs.caFile } },
      },
    });
    const r = await request(h.port, "/");
    expect(r.status).toBe(200);
    expect(up.seen[0].clientCn).toBe("signalbox-client");
    // without it the upstream refuses the handshake
    const h2 = await proxy(up.port, {});
    expect((await request(h2.port, "/")).status).toBe(503);
  });

  it("health checks use the cluster's TLS; an unreadable trusted_ca file rejects the config", async () => {
    const up = await httpsUpstream();
    const h = await proxy(up.port, { sni: "upstream.test" }, { health_checks: [{ timeout: "1s", interval: "0.2s", unhealthy_threshold: 1, healthy_threshold: 1, http_health_check: { path: "/healthz" } }] });
    expect(await h.stat("cluster.tls.membership_healthy")).toBe(1);
    expect(up.seen[0].servername).toBe("upstream.test");
    await expect(
      h.proxy.apply(
        {
          listeners: [listener("l", [{ match: { prefix: "/" }, route: { cluster: "tls" } }])],
          clusters: [cluster("tls", [up.port], { transport_socket: { name: "envoy.transport_sockets.tls", typed_config: { "@type": UPSTREAM_TLS_TYPE, common_tls_context: { validation_context: { trusted_ca: { filename: "/nonexistent/ca.pem" } } } } } })],
        },
        "v2",
      ),
    ).rejects.toThrow(/trusted_ca \/nonexistent\/ca.pem/);
    expect(h.proxy.version).toBe("v1");
    expect((await request(h.port, "/")).body).toBe("secure");
  });
});
