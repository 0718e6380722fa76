// TLS secrets (Envoy's SDS) in the real CLI: a bootstrap's static_resources.secrets named by a listener, and the
// console's secrets delivered over the worker protocol (fixtures/fake-console.ts) before the snapshot that uses
// them. A rotation swaps the certificate in place: an open keep-alive TLS connection serves on, new handshakes
// present the new certificate, the listener never stops accepting; a bad rotation is refused and the old
// certificate serves on. Real certificates from openssl, real TLS clients, alone and with --concurrency 2.
import crypto from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import type tls from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DOWNSTREAM_TLS_TYPE, UPSTREAM_TLS_TYPE, type Listener } from "../../src/config/schema";
import { ProxyServer } from "../../src/server";
import type { DeliveredSecret } from "../../src/protocol";
import { cluster, listener, request, sleep, stderrTail, waitFor, waitForCliReady } from "./harness";
import { freePort, runCli, settled, type CliProc } from "../fixtures/cli";
import { FakeConsole, type Msg } from "../fixtures/fake-console";
import { makeCertDir, selfSigned, signed, type CertSet } from "../fixtures/certs";

const SNI = "web.test";
let certs: CertSet;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

beforeAll(() => {
  certs = makeCertDir();
  selfSigned(certs.dir, "ca", "Test CA");
  signed(certs.dir, "old", "ca", SNI);
  signed(certs.dir, "new", "ca", SNI);
  signed(certs.dir, "client1", "ca", "client-one");
  signed(certs.dir, "client2", "ca", "client-two");
});
afterAll(() => certs.cleanup());

const fingerprint = (name: string) => new crypto.X509Certificate(certs.read(`${name}.crt`)).fingerprint256;
const expiry = (name: string) => Math.floor(Date.parse(new crypto.X509Certificate(certs.read(`${name}.crt`)).validTo) / 1000);

/** The secret "web" as the console delivers it: the certificate of `cert` with the key of `key`. */
const web = (cert: string, key = cert): DeliveredSecret => ({
  name: "web",
  tls_certificate: { certificate_chain: { inline_string: certs.read(`${cert}.crt`) }, private_key: { inline_string: certs.read(`${key}.key`) } },
});

/** A TLS listener on `port` answering `text`, its certificate the secret `secret` (from the console with `ads`). */
function tlsListener(port: number, text: string, secret: string, ads: boolean): Listener {
  const l = listener("tls", [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: text } } }], { port });
  l.filter_chains[0].transport_socket = {
    name: "envoy.transport_sockets.tls",
    typed_config: { "@type": DOWNSTREAM_TLS_TYPE, common_tls_context: { tls_certificate_sds_secret_configs: [{ name: secret, ...(ads ? { sds_config: { ads: {} } } : {}) }] } },
  };
  return l as Listener;
}

interface TlsReply {
  status: number;
  body: string;
  /** the certificate the server presented on this connection */
  fingerprint: string;
  /** the client's port: the same one means the same connection */
  localPort: number;
}

function get(port: number, agent: https.Agent | false = false): Promise<TlsReply> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: "127.0.0.1", port, path: "/", servername: SNI, ca: certs.read("ca.crt"), agent }, (res) => {
      // read before the body ends: a connection that is not kept alive leaves the response then
      const socket = res.socket as tls.TLSSocket;
      const [fp, localPort] = [socket.getPeerCertificate().fingerprint256, socket.localPort!];
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body, fingerprint: fp, localPort }));
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error("timed out")));
  });
}

/** Connects to `port` over and over until stopped: how many connections were refused meanwhile. */
function watchPort(port: number): () => Promise<{ refused: number; accepted: number }> {
  let stop = false;
  const seen = { refused: 0, accepted: 0 };
  const loop = (async () => {
    while (!stop) {
      await new Promise<void>((resolve) => {
        const s = net.connect(port, "127.0.0.1");
        s.once("connect", () => (seen.accepted++, s.destroy(), resolve()));
        s.once("error", () => (seen.refused++, resolve()));
      });
      await sleep(5);
    }
  })();
  return async () => {
    stop = true;
    await loop;
    return seen;
  };
}

async function startWorker(extra: string[] = [], consolePort?: number): Promise<{ console: FakeConsole; worker: CliProc; admin: number; why: () => string }> {
  consolePort ??= await freePort();
  const admin = await freePort();
  const console = await FakeConsole.start(consolePort, cleanups);
  const worker = runCli(["--control-plane", `ws://127.0.0.1:${consolePort}/ws/worker`, "--node-id", "edge-1", "--admin-address", `127.0.0.1:${admin}`, "--log-level", "debug", ...extra]);
  cleanups.push(() => worker.kill());
  const why = () => `${JSON.stringify(console.messages.filter((m) => !["stats", "clusters"].includes(String(m.type))))}\n${stderrTail(worker)}`;
  await waitFor(() => console.of("hello").length > 0, "the worker's hello", 30_000, why);
  return { console, worker, admin, why };
}

const ackOf = (c: FakeConsole, type: string, version: string): Msg | undefined => c.of(type).find((m) => m.version === version);

/** Secrets s1, then v1 using them: the worker serves HTTPS with the old certificate. */
async function serveWithSecrets(c: FakeConsole, port: number, why: () => string) {
  c.pushSecrets("s1", [web("old")]);
  c.push("v1", 1, { listeners: [tlsListener(port, "v1", "web", true)], clusters: [] });
  await waitFor(() => ackOf(c, "ack", "v1") !== undefined, "the ACK of v1", 20_000, why);
  expect(ackOf(c, "secrets_ack", "s1")).toEqual({ type: "secrets_ack", version: "s1" });
  const first = await get(port);
  expect(first).toMatchObject({ status: 200, body: "v1", fingerprint: fingerprint("old") });
}

/**
 * Rotates "web" to the new certificate while a keep-alive connection is open and the port is watched: the same
 * connection serves another request, every new connection presents the new certificate, nothing was refused.
 */
async function rotate(c: FakeConsole, port: number, why: () => string, newConnections: number) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  cleanups.push(() => agent.destroy());
  const before = await get(port, agent);
  expect(before.fingerprint).toBe(fingerprint("old"));
  const stopWatching = watchPort(port);
  c.pushSecrets("s2", [web("new")]);
  await waitFor(() => ackOf(c, "secrets_ack", "s2") !== undefined, "the secrets_ack of s2", 20_000, why);
  expect(ackOf(c, "secrets_ack", "s2")).toEqual({ type: "secrets_ack", version: "s2" });
  // twice: a drained connection would serve one more response, with connection: close
  for (let i = 0; i < 2; i++) expect(await get(port, agent)).toMatchObject({ status: 200, body: "v1", localPort: before.localPort, fingerprint: fingerprint("old") });
  for (let i = 0; i < newConnections; i++) expect(await get(port)).toMatchObject({ status: 200, body: "v1", fingerprint: fingerprint("new") });
  const watched = await stopWatching();
  expect(watched.refused).toBe(0);
  expect(watched.accepted).toBeGreaterThan(0);
}

describe("TLS secrets", () => {
  it("a bootstrap's static_resources.secrets serve its listener's certificate; the expiry gauge is named after the secret", async () => {
    const [port, admin] = [await freePort(), await freePort()];
    const file = path.join(certs.dir, "bootstrap.yaml");
    const secret = { name: "web", tls_certificate: { certificate_chain: { filename: certs.file("old.crt") }, private_key: { filename: certs.file("old.key") } } };
    const bootstrap = (l: Listener) => ({ static_resources: { listeners: [l], secrets: [secret] }, admin: { address: { socket_address: { address: "127.0.0.1", port_value: admin } } } });
    fs.writeFileSync(file, JSON.stringify(bootstrap(tlsListener(port, "static", "web", false))));
    const worker = runCli(["-c", file]);
    cleanups.push(() => worker.kill());
    await waitForCliReady(worker, admin);
    expect(await get(port)).toMatchObject({ status: 200, body: "static", fingerprint: fingerprint("old") });
    const prom = (await request(admin, "/stats/prometheus")).body;
    expect(prom).toContain(`envoy_listener_ssl_certificate_expiration_unix_time_seconds{envoy_tls_certificate="web",envoy_listener_address="127.0.0.1_${port}"} ${expiry("old")}\n`);
    const dump = JSON.parse((await request(admin, "/config_dump")).body) as { configs: Record<string, unknown>[] };
    expect(dump.configs.find((c) => String(c["@type"]).endsWith("SecretsConfigDump"))).toMatchObject({ static_secrets: [{ name: "web", secret }] });

    // a reference to the console's secrets cannot work without one: refused before anything binds
    const refused = path.join(certs.dir, "ads.yaml");
    fs.writeFileSync(refused, JSON.stringify(bootstrap(tlsListener(await freePort(), "x", "web", true))));
    const bad = runCli(["-c", refused]);
    cleanups.push(() => bad.kill());
    expect(await settled(bad)).toBe(1);
    expect(bad.stderr()).toContain(
      'static_resources.listeners[0].filter_chains[0].transport_socket.typed_config.common_tls_context.tls_certificate_sds_secret_configs[0].sds_config: secret "web" comes from a control plane (sds_config: {ads: {}}), which needs --control-plane',
    );
  });

  it("console secrets: delivered before the snapshot, an undelivered one NACKed, rotated in place, a bad rotation refused", async () => {
    const { console: c, admin, why } = await startWorker();
    const port = await freePort();
    await serveWithSecrets(c, port, why);

    // a snapshot naming a secret the console never delivered: NACKed with its path, v1 serves on
    c.push("v2", 2, { listeners: [tlsListener(port, "v2", "other", true)], clusters: [] });
    await waitFor(() => ackOf(c, "nack", "v2") !== undefined, "the NACK of v2", 20_000, why);
    expect(ackOf(c, "nack", "v2")).toMatchObject({
      appliedVersion: "v1",
      error: 'listeners[0].filter_chains[0].transport_socket.typed_config.common_tls_context.tls_certificate_sds_secret_configs[0].name: unknown secret "other" (the console delivered no secret of that name)',
    });
    expect((await get(port)).body).toBe("v1");

    // the config dump lists the console's secret with its key redacted; no key material anywhere in it
    const dumpText = (await request(admin, "/config_dump")).body;
    const dump = JSON.parse(dumpText) as { configs: Record<string, unknown>[] };
    expect(dump.configs.find((x) => String(x["@type"]).endsWith("SecretsConfigDump"))).toMatchObject({
      dynamic_active_secrets: [{ name: "web", version_info: "v1", secret: { name: "web", tls_certificate: { private_key: { inline_string: "[redacted]" } } } }],
    });
    expect(dumpText).not.toContain("PRIVATE KEY");

    await rotate(c, port, why, 3);
    const gauge = `listener.127.0.0.1_${port}.ssl.certificate.web.expiration_unix_time_seconds`;
    expect((await request(admin, `/stats?filter=${encodeURIComponent(gauge)}`)).body).toContain(`${gauge}: ${expiry("new")}`);

    // a certificate with another certificate's key: refused, the new certificate serves on
    c.pushSecrets("s3", [web("old", "new")]);
    await waitFor(() => ackOf(c, "secrets_ack", "s3") !== undefined, "the secrets_ack of s3", 20_000, why);
    const refused = ackOf(c, "secrets_ack", "s3")!;
    expect(refused.error).toMatch(/^secrets\[0\]: secret "web": .*key values mismatch/);
    expect(String(refused.error)).not.toContain("BEGIN");
    expect(await get(port)).toMatchObject({ status: 200, fingerprint: fingerprint("new") });
    // the refused set is not kept: a later snapshot is applied with the good one
    c.push("v3", 3, { listeners: [tlsListener(port, "v3", "web", true)], clusters: [] });
    await waitFor(() => ackOf(c, "ack", "v3") !== undefined, "the ACK of v3", 20_000, why);
    expect(await get(port)).toMatchObject({ status: 200, body: "v3", fingerprint: fingerprint("new") });
  });

  it("--cache-dir keeps the secrets with the snapshot, owner-only, and a worker started without its console serves them", async () => {
    const cacheDir = path.join(certs.dir, `cache-${Date.now()}`);
    const consolePort = await freePort();
    const { console: c, worker, why } = await startWorker(["--cache-dir", cacheDir], consolePort);
    const port = await freePort();
    await serveWithSecrets(c, port, why);
    await rotate(c, port, why, 1);
    const file = path.join(cacheDir, "snapshot.json");
    await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, "utf8").includes(JSON.stringify(certs.read("new.key"))), "the rotated secret in the cache", 10_000, why);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await worker.kill();
    await c.close();

    // no console on its port now: the cached version serves with the cached (rotated) certificate
    const admin = await freePort();
    const again = runCli(["--control-plane", `ws://127.0.0.1:${consolePort}/ws/worker`, "--node-id", "edge-1", "--admin-address", `127.0.0.1:${admin}`, "--cache-dir", cacheDir]);
    cleanups.push(() => again.kill());
    await waitForCliReady(again, admin);
    expect(await get(port)).toMatchObject({ status: 200, body: "v1", fingerprint: fingerprint("new") });
  });

  it("a cluster takes its client certificate and CAs from secrets; a rotated one rebuilds the cluster", async () => {
    const seen: string[] = [];
    const upstream = https.createServer({ cert: certs.read("old.crt"), key: certs.read("old.key"), ca: certs.read("ca.crt"), requestCert: true, rejectUnauthorized: true }, (req, res) => {
      seen.push(String((req.socket as tls.TLSSocket).getPeerCertificate().subject.CN));
      res.end("upstream");
    });
    upstream.on("tlsClientError", () => {});
    const upPort = await freePort();
    await new Promise<void>((r) => upstream.listen(upPort, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => (upstream.closeAllConnections(), upstream.close(() => r()))));
    const proxy = new ProxyServer({ drainMs: 100 });
    cleanups.push(() => proxy.shutdown(100));
    const upstreamTls = {
      name: "envoy.transport_sockets.tls",
      typed_config: {
        "@type": UPSTREAM_TLS_TYPE,
        sni: SNI,
        common_tls_context: { tls_certificate_sds_secret_configs: [{ name: "client", sds_config: { ads: {} } }], validation_context_sds_secret_config: { name: "upstream-ca", sds_config: { ads: {} } } },
      },
    };
    const secret = (cn: string) => ({ name: "client", tls_certificate: { certificate_chain: { inline_string: certs.read(`${cn}.crt`) }, private_key: { inline_string: certs.read(`${cn}.key`) } } });
    const snapshot = (client: string) => ({
      listeners: [listener("l", [{ match: { prefix: "/" }, route: { cluster: "up" } }])],
      clusters: [cluster("up", [upPort], { transport_socket: upstreamTls } as never)],
      secrets: [secret(client), { name: "upstream-ca", validation_context: { trusted_ca: { inline_string: certs.read("ca.crt") } } }],
    });
    await proxy.apply(snapshot("client1"), "v1");
    const port = proxy.listeners.active.get("l")!.port;
    expect(await request(port, "/")).toMatchObject({ status: 200, body: "upstream" });
    const before = proxy.clusterManager!.get("up");
    await proxy.apply(snapshot("client1"), "v1");
    expect(proxy.clusterManager!.get("up")).toBe(before);
    await proxy.apply(snapshot("client2"), "v1");
    expect(proxy.clusterManager!.get("up")).not.toBe(before);
    expect(await request(port, "/")).toMatchObject({ status: 200, body: "upstream" });
    expect(seen).toEqual(["client-one", "client-two"]);
    // a CA secret named where a certificate belongs: refused, the running config stays
    const wrong = snapshot("client2");
    wrong.secrets[0] = { ...wrong.secrets[1], name: "client" } as never;
    await expect(proxy.apply(wrong, "v2")).rejects.toThrow('clusters[0].transport_socket.typed_config.common_tls_context.tls_certificate_sds_secret_configs[0].name: secret "client" is a validation_context secret; this field needs a tls_certificate secret');
    expect(proxy.version).toBe("v1");
  });

  it("with --concurrency 2, a rotation reaches both workers and keeps their connections", async () => {
    const { console: c, why } = await startWorker(["--concurrency", "2"]);
    const port = await freePort();
    await serveWithSecrets(c, port, why);
    // connections land on either worker: enough new ones that both must present the new certificate
    await rotate(c, port, why, 8);
  });
});
