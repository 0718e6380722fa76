// Listeners and virtual hosts through the public API of the real console (production build, bundled worker):
// a second HTTP listener with a virtual host and a route serves real traffic after publish, an HTTPS listener
// with openssl-made certificate files serves over TLS, stale writes get 409 and bad bodies 422 with the body's
// paths, deleting says what went, and every edit stays in its environment.
import fs from "node:fs";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { cluster, prefixRoute } from "../../lib/config/test-fixtures";
import { STARTER_BODY } from "../../lib/config/starter";
import { makeCertDir, selfSigned, signed, type CertSet } from "../../proxy-core/test/fixtures/certs";
import { api, assertBuilt, ConsoleProcess, errorBody, freePort, get, parsed, startUpstream, tmpDir } from "./harness";

const TOKEN = "listeners-token-" + Math.random().toString(36).slice(2);

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let certs: CertSet;
let starterPort: number;

const etag = (r: { headers: Headers }) => r.headers.get("etag") ?? "";
const ifMatch = (tag: string) => ({ "if-match": tag });

/** Publishes the draft and waits until the bundled worker runs it. */
async function publish(message: string) {
  const r = await call("POST", "/api/versions", { message });
  expect(r.status, r.text).toBe(201);
  const { id } = parsed(r, C.PublishResult);
  await consoleProc.until(`the worker to apply ${message}`, async () => C.NodeList.parse((await call("GET", "/api/nodes")).json).some((n) => n.id === "local" && n.appliedVersion === id), 30_000, 100);
}

function httpsGet(port: number, servername: string, path: string): Promise<{ status: number; body: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: "127.0.0.1", port, path, servername, headers: { host: servername }, ca: certs.read("ca.crt"), agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, protocol: (res.socket as import("node:tls").TLSSocket).getProtocol?.() ?? "" }));
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error("timeout")));
  });
}

async function listeners(headers: Record<string, string> = {}) {
  const r = await call("GET", "/api/draft/listeners", undefined, headers);
  expect(r.status).toBe(200);
  return { list: C.DraftListenerList.parse(r.json), etag: etag(r) };
}

beforeAll(async () => {
  assertBuilt();
  certs = makeCertDir();
  selfSigned(certs.dir, "ca", "Listeners test CA");
  signed(certs.dir, "secure", "ca", "secure.test");
  upstream = await startUpstream("backend");
  dataDir = tmpDir("signalbox-listeners-");
  starterPort = await freePort();
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort, workerAdminPort: await freePort() });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
  expect((await call("PUT", "/api/draft/clusters/backend", cluster("backend", [upstream.port]))).status).toBe(201);
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  upstream?.server.close();
  certs?.cleanup();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("listeners over HTTP", () => {
  it("a second HTTP listener with a virtual host and a route serves real traffic once published", async () => {
    const port = await freePort();
    const created = await call("PUT", "/api/draft/listeners/second", { address: "127.0.0.1", port, protocol: "http" });
    expect(created.status, created.text).toBe(201);
    expect(C.DraftListenerItem.parse(created.json)).toMatchObject({ name: "second", address: "127.0.0.1", port, protocol: "http", statPrefix: "second", virtualHosts: [] });
    expect(etag(created)).toMatch(/^"r\d+"$/);

    const vhost = await call("PUT", "/api/draft/listeners/second/virtual-hosts/api", { domains: ["*"] }, ifMatch(etag(created)));
    expect(vhost.status, vhost.text).toBe(201);
    const route = await call("POST", "/api/draft/routes", { listener: "second", virtualHost: "api", route: { name: "second-all", ...prefixRoute("/", "backend") } }, ifMatch(etag(vhost)));
    expect(route.status, route.text).toBe(201);

    const { list } = await listeners();
    expect(list.map((l) => [l.name, l.protocol])).toEqual([["main", "http"], ["second", "http"]]);
    expect(list[1].virtualHosts).toEqual([{ name: "api", domains: ["*"], filterChainIndex: 0, routes: 1, owner: null, editable: true }]);
    expect(list[1].routes).toBe(1);

    await publish("a second listener");
    const through = await consoleProc.until("the second listener to answer", async () => {
      const r = await get(port, "/hello").catch(() => null);
      return r?.status === 200 ? r : null;
    });
    expect(through.body).toBe("backend /hello");
    expect(upstream.hits).toContain("/hello");
    // the starter listener is untouched
    expect((await get(starterPort, "/")).body).toBe(STARTER_BODY);
  });

  it("an HTTPS listener with certificate files serves over TLS for its SNI name once published", async () => {
    const port = await freePort();
    const body = { address: "127.0.0.1", port, protocol: "https", certificates: [{ certificateChain: certs.file("secure.crt"), privateKey: certs.file("secure.key") }], serverNames: ["secure.test"] };
    const created = await call("PUT", "/api/draft/listeners/secure", body);
    expect(created.status, created.text).toBe(201);
    const item = C.DraftListenerItem.parse(created.json);
    expect(item.protocol).toBe("https");
    expect(item.filterChains).toEqual([{ index: 0, protocol: "https", serverNames: ["secure.test"], certificates: [{ certificateChain: certs.file("secure.crt"), privateKey: certs.file("secure.key") }], secrets: [] }]);
    // Envoy's DownstreamTlsContext, the certificates as filename data sources
    expect(item.listener.filter_chains[0].transport_socket?.typed_config.common_tls_context.tls_certificates).toEqual([
      { certificate_chain: { filename: certs.file("secure.crt") }, private_key: { filename: certs.file("secure.key") } },
    ]);
    expect((await call("PUT", "/api/draft/listeners/secure/virtual-hosts/secure", { domains: ["secure.test"] })).status).toBe(201);
    expect((await call("POST", "/api/draft/routes", { listener: "secure", virtualHost: "secure", route: { name: "secure-all", ...prefixRoute("/", "backend") } })).status).toBe(201);

    await publish("an HTTPS listener");
    const r = await consoleProc.until("the HTTPS listener to answer", () => httpsGet(port, "secure.test", "/tls").catch(() => null));
    expect(r).toMatchObject({ status: 200, body: "backend /tls" });
    expect(r.protocol).toMatch(/^TLSv1\.[23]$/);
  });

  it("a write on a stale revision gets 409 with what changed since, and changes nothing", async () => {
    const before = await listeners();
    const second = before.list.find((l) => l.name === "second")!;
    const first = await call("PUT", "/api/draft/listeners/second", { address: "127.0.0.1", port: second.port, protocol: "http", statPrefix: "second_v2" }, ifMatch(before.etag));
    expect(first.status, first.text).toBe(200);
    const stale = await call("PUT", "/api/draft/listeners/second", { address: "127.0.0.1", port: second.port, protocol: "http", statPrefix: "second_v3" }, ifMatch(before.etag));
    expect(stale.status).toBe(409);
    const conflict = C.DraftConflict.parse(stale.json);
    expect(conflict.changes).toEqual([expect.objectContaining({ actor: "admin", kind: "listener", name: "second", change: "changed" })]);
    for (const [method, path, payload] of [
      ["PUT", "/api/draft/listeners/second/virtual-hosts/api", { domains: ["api.test"] }],
      ["DELETE", "/api/draft/listeners/second/virtual-hosts/api", undefined],
      ["DELETE", "/api/draft/listeners/second", undefined],
    ] as const)
      expect((await call(method, path, payload, ifMatch(before.etag))).status, `${method} ${path}`).toBe(409);
    const after = await listeners();
    expect(after.etag).toBe(etag(first));
    expect(after.list.find((l) => l.name === "second")).toMatchObject({ statPrefix: "second_v2", virtualHosts: [{ name: "api", domains: ["*"] }] });
  });

  it("a bad body gets 422 with the body's field paths, and nothing changes", async () => {
    const { etag: at } = await listeners();
    const refused = async (path: string, body: unknown) => {
      const r = await call("PUT", path, body);
      expect(r.status, r.text).toBe(422);
      return errorBody(r).errors ?? [];
    };
    expect(await refused("/api/draft/listeners/zero", { port: 0, protocol: "http" })).toEqual([{ path: "port", message: "must be a port between 1 and 65535" }]);
    expect(await refused("/api/draft/listeners/nokey", { port: 18443, protocol: "https", certificates: [{ certificateChain: certs.file("secure.crt"), privateKey: "" }] })).toEqual([
      { path: "certificates[0].privateKey", message: "the private key's file path is required" },
    ]);
    expect((await refused("/api/draft/listeners/nocert", { port: 18443, protocol: "https" })).map((e) => e.path)).toEqual(["certificates"]);
    const second = (await listeners()).list.find((l) => l.name === "second")!;
    expect(await refused("/api/draft/listeners/clash", { address: "127.0.0.1", port: second.port, protocol: "http" })).toEqual([{ path: "port", message: `127.0.0.1:${second.port} is already used by listener "second"` }]);
    expect((await refused("/api/draft/listeners/second/virtual-hosts/more", { domains: [] })).map((e) => e.path)).toEqual(["domains"]);
    expect(await refused("/api/draft/listeners/second/virtual-hosts/more", { domains: ["*"] })).toEqual([{ path: "domains[0]", message: '"*" is already a domain of virtual host "api"' }]);
    expect((await call("PUT", "/api/draft/listeners/nowhere/virtual-hosts/x", { domains: ["*"] })).status).toBe(404);
    expect((await listeners()).etag).toBe(at);
  });

  it("deleting a listener answers what went with it, audited; an edit in another environment stays there", async () => {
    const gone = await call("DELETE", "/api/draft/listeners/second");
    expect(gone.status, gone.text).toBe(200);
    expect(C.DeletedListener.parse(gone.json)).toEqual({ name: "second", virtualHosts: [{ name: "api", routes: 1 }], routes: 1 });
    expect((await listeners()).list.map((l) => l.name)).toEqual(["main", "secure"]);
    expect(C.DraftRouteList.parse((await call("GET", "/api/draft/routes")).json).map((r) => r.listener)).not.toContain("second");
    const audit = await call.as(C.AuditList, "GET", "/api/audit?limit=5");
    expect(audit.find((a) => a.action === "draft.listener.delete")).toMatchObject({ target: "listener:second", details: { routes: 1, environment: "default" } });

    expect((await call("POST", "/api/environments", { name: "staging" })).status).toBe(201);
    const staging = { "x-signalbox-environment": "staging" };
    const port = await freePort();
    expect((await call("PUT", "/api/draft/listeners/staging-edge", { port, protocol: "http" }, staging)).status).toBe(201);
    expect((await listeners(staging)).list.map((l) => l.name)).toContain("staging-edge");
    expect((await listeners()).list.map((l) => l.name)).not.toContain("staging-edge");
  });
});
