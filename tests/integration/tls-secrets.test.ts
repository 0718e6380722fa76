// TLS secrets end to end, against the real console (production build) and its bundled worker: a certificate and
// key uploaded as a secret serve an HTTPS listener that references it by name (Envoy's SDS over the worker's
// session); a rotation reaches the worker without a publish, while a keep-alive connection opened before it keeps
// working on the same socket and new handshakes present the new certificate; Envoy's expiry gauge is named after
// the secret in the worker's and the console's Prometheus output; a secret in use cannot be deleted; a worker
// killed with SIGKILL comes back serving the current certificate.
import fs from "node:fs";
import https from "node:https";
import crypto from "node:crypto";
import type tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { cluster, prefixRoute } from "../../lib/config/test-fixtures";
import { makeCertDir, selfSigned, signed, type CertSet } from "../../proxy-core/test/fixtures/certs";
import { api, errorBody, freePort, get, isAlive, parsed, startTestConsole, startUpstream, workerPidOf, type ConsoleProcess } from "./harness";

const TOKEN = "tls-secrets-token-" + Math.random().toString(36).slice(2);

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let certs: CertSet;
let port: number;
let adminPort: number;

const fingerprintOf = (pem: string) => new crypto.X509Certificate(pem).fingerprint256;
const expiryOf = (pem: string) => Math.floor(Date.parse(new crypto.X509Certificate(pem).validTo) / 1000);

/** One HTTPS request; answers the status, body, the certificate the server presented and the socket's local port. */
function httpsGet(path: string, agent: https.Agent | false = false): Promise<{ status: number; body: string; fingerprint: string; localPort: number }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: "127.0.0.1", port, path, servername: "secure.test", headers: { host: "secure.test" }, ca: certs.read("ca.crt"), agent }, (res) => {
      // read before the body ends: a keep-alive agent takes the socket back at the end
      const socket = res.socket as tls.TLSSocket;
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      const localPort = socket.localPort ?? 0;
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, fingerprint, localPort }));
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error("timeout")));
  });
}

async function publish(message: string) {
  const r = await call("POST", "/api/versions", { message });
  expect(r.status, r.text).toBe(201);
  const { id } = parsed(r, C.PublishResult);
  await consoleProc.until(`the worker to apply ${message}`, async () => C.NodeList.parse((await call("GET", "/api/nodes")).json).some((n) => n.id === "local" && n.appliedVersion === id), 30_000, 100);
}

const upload = (name: string, crt: string, key: string) => call("POST", "/api/secrets", { name, certificate_chain: certs.read(crt), private_key: certs.read(key) });

beforeAll(async () => {
  certs = makeCertDir();
  selfSigned(certs.dir, "ca", "TLS secrets test CA");
  signed(certs.dir, "first", "ca", "secure.test");
  signed(certs.dir, "second", "ca", "secure.test");
  upstream = await startUpstream("backend");
  port = await freePort();
  adminPort = await freePort();
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-tls-secrets-", TOKEN, { workerAdminPort: adminPort }));
  call = api(consoleProc.base, TOKEN);
  expect((await call("PUT", "/api/draft/clusters/backend", cluster("backend", [upstream.port]))).status).toBe(201);
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  upstream?.server.close();
  certs?.cleanup();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("TLS secrets", () => {
  it("serves an HTTPS listener whose certificate is a secret referenced by name", async () => {
    const created = await upload("web-cert", "first.crt", "first.key");
    expect(created.status, created.text).toBe(201);
    expect(parsed(created, C.SecretInfo)).toMatchObject({ name: "web-cert", kind: "tls_certificate", dnsNames: ["secure.test"], rotations: 0, opens: true });
    // the test certificates are valid for 30 days: inside the 30-day warning, so the event feed says so at once
    expect(parsed(created, C.SecretInfo)).toMatchObject({ status: "expiring", daysLeft: 29 });
    const warned = await consoleProc.until("the certificate_expiry event", async () => {
      const { events } = parsed(await call("GET", "/api/events?kind=certificate_expiry&limit=10"), C.EventList);
      return events.find((e) => e.details.secret === "web-cert") ?? null;
    });
    expect(warned.details).toMatchObject({ daysLeft: 29, expired: false, usedBy: [] });
    // a key that is not the certificate's is refused with the field, and nothing is stored
    const mismatched = await call("POST", "/api/secrets", { name: "bad", certificate_chain: certs.read("first.crt"), private_key: certs.read("second.key") });
    expect(mismatched.status).toBe(400);
    expect(errorBody(mismatched).errors).toEqual([{ path: "private_key", message: "the private key does not belong to the first certificate of certificate_chain" }]);

    const l = await call("PUT", "/api/draft/listeners/secure", { address: "127.0.0.1", port, protocol: "https", secrets: ["web-cert"], serverNames: ["secure.test"] });
    expect(l.status, l.text).toBe(201);
    // a secret that does not exist is a 422 naming it
    const unknown = await call("PUT", "/api/draft/listeners/other", { address: "127.0.0.1", port: await freePort(), protocol: "https", secrets: ["no-such-secret"] });
    expect(unknown.status, unknown.text).toBe(422);
    expect(unknown.text).toContain("no-such-secret");
    expect((await call("PUT", "/api/draft/listeners/secure/virtual-hosts/secure", { domains: ["secure.test"] })).status).toBe(201);
    expect((await call("POST", "/api/draft/routes", { listener: "secure", virtualHost: "secure", route: { name: "secure-all", ...prefixRoute("/", "backend") } })).status).toBe(201);
    await publish("https from a secret");
    const r = await consoleProc.until("the HTTPS listener to answer", () => httpsGet("/one").catch(() => null));
    expect(r).toMatchObject({ status: 200, body: "backend /one", fingerprint: fingerprintOf(certs.read("first.crt")) });

    const list = parsed(await call("GET", "/api/secrets"), C.SecretList);
    expect(list.find((s) => s.name === "web-cert")?.usedBy).toEqual(
      expect.arrayContaining([
        { environment: "default", resource: "listener", name: "secure", in: "draft" },
        { environment: "default", resource: "listener", name: "secure", in: "live" },
      ]),
    );
  });

  it("rotates without a publish: the open connection keeps serving, new handshakes get the new certificate", async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await httpsGet("/before", agent);
      expect(before.fingerprint).toBe(fingerprintOf(certs.read("first.crt")));
      const versions = parsed(await call("GET", "/api/versions"), C.VersionList);
      const rotated = await call("PUT", "/api/secrets/web-cert", { certificate_chain: certs.read("second.crt"), private_key: certs.read("second.key") });
      expect(rotated.status, rotated.text).toBe(200);
      expect(parsed(rotated, C.SecretInfo)).toMatchObject({ rotations: 1, fingerprint: fingerprintOf(certs.read("second.crt")) });
      const fresh = await consoleProc.until("a new handshake to present the rotated certificate", async () => {
        const x = await httpsGet("/fresh").catch(() => null);
        return x && x.fingerprint === fingerprintOf(certs.read("second.crt")) ? x : null;
      });
      expect(fresh.status).toBe(200);
      // the keep-alive connection opened before the rotation answers again, on the same socket
      const after = await httpsGet("/after", agent);
      expect(after).toMatchObject({ status: 200, body: "backend /after", localPort: before.localPort, fingerprint: fingerprintOf(certs.read("first.crt")) });
      // no new version: a rotation is not a publish
      expect(parsed(await call("GET", "/api/versions"), C.VersionList)).toEqual(versions);
    } finally {
      agent.destroy();
    }
  });

  it("exports the certificate's expiry as Envoy's gauge, named after the secret", async () => {
    const expires = expiryOf(certs.read("second.crt"));
    const line = new RegExp(`^envoy_listener_ssl_certificate_expiration_unix_time_seconds\\{[^}]*envoy_tls_certificate="web-cert"[^}]*\\} ${expires}$`, "m");
    const worker = await consoleProc.until("the worker's gauge to carry the rotated expiry", async () => {
      const r = await get(adminPort, "/stats/prometheus").catch(() => null);
      return r && line.test(r.body) ? r.body : null;
    });
    expect(worker).toMatch(line);
    const consoleMetrics = await consoleProc.until("the console's /api/metrics to carry it", async () => {
      const r = await call("GET", "/api/metrics");
      return line.test(r.text.replace(/,?node="local"/, "")) ? r.text : null;
    });
    expect(consoleMetrics).toContain('envoy_tls_certificate="web-cert"');
  });

  it("lets a cluster's upstream TLS trust CAs from a secret, and refuses a reference of the wrong kind", async () => {
    const ca = await call("POST", "/api/secrets", { name: "upstream-ca", kind: "validation_context", trusted_ca: certs.read("ca.crt") });
    expect(ca.status, ca.text).toBe(201);
    const tlsCluster = (secret: string) => ({
      ...cluster("tls-backend", [upstream.port]),
      transport_socket: {
        name: "envoy.transport_sockets.tls",
        typed_config: {
          "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
          sni: "secure.test",
          common_tls_context: { validation_context_sds_secret_config: { name: secret, sds_config: { ads: {} } } },
        },
      },
    });
    const wrongKind = await call("PUT", "/api/draft/clusters/tls-backend", tlsCluster("web-cert"));
    expect(wrongKind.status, wrongKind.text).toBe(422);
    expect(wrongKind.text).toContain("web-cert");
    expect((await call("PUT", "/api/draft/clusters/tls-backend", tlsCluster("upstream-ca"))).status).toBe(201);
    const listed = parsed(await call("GET", "/api/secrets"), C.SecretList).find((s) => s.name === "upstream-ca");
    expect(listed).toMatchObject({ kind: "validation_context", usedBy: [{ environment: "default", resource: "cluster", name: "tls-backend", in: "draft" }] });
    // an inline private key is refused in a draft: it would be answered by every read of the draft
    const inlineKey = await call("PUT", "/api/draft/listeners/inline", {
      address: "127.0.0.1", port: await freePort(), protocol: "https", certificates: [{ certificateChain: "/tmp/x.crt", privateKey: "/tmp/x.key" }],
    });
    expect(inlineKey.status, inlineKey.text).toBe(201);
    const doc = (await call("GET", "/api/config")).json as { static_resources: { listeners: { name: string; filter_chains: { transport_socket: { typed_config: { common_tls_context: { tls_certificates: unknown[] } } } }[] }[] } };
    const inline = doc.static_resources.listeners.find((l) => l.name === "inline")!;
    inline.filter_chains[0].transport_socket.typed_config.common_tls_context.tls_certificates = [{ certificate_chain: { inline_string: certs.read("first.crt") }, private_key: { inline_string: certs.read("first.key") } }];
    const refused = await call("PUT", "/api/config", doc);
    expect(refused.status).toBe(422);
    expect(errorBody(refused).errors?.[0]?.message).toMatch(/^a private key is not kept in the config/);
    expect((await call("DELETE", "/api/draft/listeners/inline")).status).toBe(200);
  });

  it("refuses to delete a secret in use, naming where", async () => {
    const r = await call("DELETE", "/api/secrets/web-cert");
    expect(r.status).toBe(409);
    expect(errorBody(r).error.message).toMatch(/listener secure \(default, draft\)/);
    const audit = parsed(await call("GET", "/api/audit?limit=50"), C.AuditList);
    const actions = audit.filter((a) => a.target === "web-cert").map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["secret.create", "secret.rotate"]));
    expect(JSON.stringify(audit)).not.toContain("PRIVATE KEY");
  });

  it("a worker killed with SIGKILL comes back serving the current certificate", async () => {
    const pid = workerPidOf(dataDir);
    expect(pid).not.toBeNull();
    process.kill(pid!, "SIGKILL");
    await consoleProc.until("the old worker to be gone", async () => !isAlive(pid!), 10_000);
    const r = await consoleProc.until("the restarted worker to serve HTTPS", async () => {
      const x = await httpsGet("/again").catch(() => null);
      return x && workerPidOf(dataDir) !== pid ? x : null;
    }, 60_000);
    expect(r).toMatchObject({ status: 200, body: "backend /again", fingerprint: fingerprintOf(certs.read("second.crt")) });
  });
});
