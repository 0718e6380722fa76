// --cache-dir with the real CLI: a worker keeps the last snapshot it ACKed on disk and serves it when it starts
// while the console is down; a kill -9 and restart of such a worker loses no request once its listener is up; a
// corrupt or refused cache is a warning, never a crash; and the worker follows the console once it appears.
// The console is a small WebSocket server speaking proxy-core/src/protocol.ts, started on a fixed port so that
// "down" is simply nothing listening there.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, expect, it } from "vitest";
import { cluster, listener, request, startUpstream, waitFor } from "./harness";
import { freePort, runCli, settled, type CliProc } from "../fixtures/cli";
import { WorkerToConsole } from "../../src/protocol";
import { FakeConsole } from "../fixtures/fake-console";
import { CACHE_FILE, CACHE_FORMAT } from "../../src/xds/snapshot-cache";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-cache-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


function startWorker(consolePort: number, cacheDir: string, extra: string[] = []): CliProc {
  const p = runCli(["--control-plane", `ws://127.0.0.1:${consolePort}/ws/worker`, "--node-id", "edge-1", "--admin-address", "127.0.0.1:0", "--cache-dir", cacheDir, ...extra]);
  cleanups.push(() => p.kill());
  return p;
}

/** The admin port from the worker's "started …; admin 127.0.0.1:N" line. */
async function adminPortOf(p: CliProc): Promise<number> {
  await waitFor(() => /; admin 127\.0\.0\.1:\d+/.test(p.stderr()), "the worker to start", 20_000);
  return Number(/; admin 127\.0\.0\.1:(\d+)/.exec(p.stderr())![1]);
}

async function serverInfo(adminPort: number) {
  return JSON.parse((await request(adminPort, "/server_info")).body) as { state: string; config_version: string | null; config_source: Record<string, unknown> | null };
}

function readCache(dir: string) {
  return JSON.parse(fs.readFileSync(path.join(dir, CACHE_FILE), "utf8")) as { format: number; versionId: string; number: number | null; hash: string; resources: unknown };
}

/** A route to cluster "svc" on a fixed port, so a restarted worker binds the same address. */
function resources(port: number, upstreamPort: number) {
  return { listeners: [listener("main", [{ match: { prefix: "/" }, route: { cluster: "svc" } }], { port })], clusters: [cluster("svc", [upstreamPort])] };
}

/** A worker that followed `console` to version v1 (ACKed, cached), then lost its console. */
async function workerWithCachedV1(resourcesV1: unknown) {
  const consolePort = await freePort();
  const cacheDir = path.join(tmp, `cache-${crypto.randomUUID()}`);
  const console1 = await FakeConsole.start(consolePort, cleanups);
  const worker = startWorker(consolePort, cacheDir);
  await waitFor(() => console1.of("hello").length > 0, "hello");
  expect(console1.of("hello")[0]).toMatchObject({ appliedVersion: null });
  expect(console1.of("hello")[0].cachedVersionId).toBeUndefined();
  console1.push("v1", 1, resourcesV1);
  await waitFor(() => console1.of("ack").length > 0, "ack of v1");
  await waitFor(() => fs.existsSync(path.join(cacheDir, CACHE_FILE)), "the cache file");
  await console1.close();
  return { consolePort, cacheDir, worker };
}

it("writes each ACKed snapshot to --cache-dir (not a NACKed one), serves it when started with no console, and follows the console once it appears", async () => {
  const u1 = await startUpstream((_req, res) => res.end("cached-upstream"));
  const u2 = await startUpstream((_req, res) => res.end("live-upstream"));
  cleanups.push(() => u1.close(), () => u2.close());
  const port = await freePort();
  const v1 = resources(port, u1.port);

  // 1. with a console: v1 is applied, ACKed and written; a refused v2 leaves the cache alone
  const consolePort = await freePort();
  const cacheDir = path.join(tmp, "follow");
  const first = await FakeConsole.start(consolePort, cleanups);
  const w1 = startWorker(consolePort, cacheDir);
  await waitFor(() => first.of("hello").length > 0, "hello");
  first.push("v1", 1, v1);
  await waitFor(() => fs.existsSync(path.join(cacheDir, CACHE_FILE)), "the cache file");
  const cached = readCache(cacheDir);
  expect(cached).toMatchObject({ format: CACHE_FORMAT, versionId: "v1", number: 1, resources: v1 });
  expect(cached.hash).toBe("sha256:" + crypto.createHash("sha256").update(JSON.stringify(v1)).digest("hex"));
  expect(fs.statSync(path.join(cacheDir, CACHE_FILE)).mode & 0o777).toBe(0o600);
  first.push("v2", 2, { ...v1, clusters: [{ ...cluster("svc", [u1.port]), lb_policy: "MAGLEV" }] });
  await waitFor(() => first.of("nack").length > 0, "nack of v2");
  expect(readCache(cacheDir).versionId).toBe("v1");
  expect(fs.readdirSync(cacheDir)).toEqual([CACHE_FILE]);
  w1.child.kill("SIGTERM");
  expect(await w1.exited).toBe(0);
  await first.close();

  // 2. started again with the console down: v1 serves, and the worker says so
  const w2 = startWorker(consolePort, cacheDir);
  const admin = await adminPortOf(w2);
  expect((await request(port, "/")).body).toBe("cached-upstream");
  expect(u1.seen.length).toBeGreaterThan(0);
  await waitFor(() => w2.stderr().includes("[warning] serving cached version v1 (console unreachable)"), "the cached-version warning");
  expect(await serverInfo(admin)).toMatchObject({ state: "LIVE", config_version: "v1", config_source: { source: "cache", version_info: "v1", number: 1, path: path.join(cacheDir, CACHE_FILE) } });

  // 3. the console appears: the hello says what runs and where from; a new version reaches the worker and the cache
  const second = await FakeConsole.start(consolePort, cleanups);
  await waitFor(() => second.of("hello").length > 0, "hello to the console that appeared", 20_000);
  expect(second.of("hello")[0]).toMatchObject({ appliedVersion: "v1", cachedVersionId: "v1" });
  second.push("v3", 3, resources(port, u2.port));
  await waitFor(() => second.of("ack").length > 0, "ack of v3");
  expect((await request(port, "/")).body).toBe("live-upstream");
  expect((await serverInfo(admin)).config_source).toEqual({ source: "control_plane", version_info: "v3" });
  await waitFor(() => readCache(cacheDir).versionId === "v3", "v3 in the cache");
  for (const m of [...first.messages, ...second.messages]) expect(WorkerToConsole.safeParse(m).success, JSON.stringify(m).slice(0, 200)).toBe(true);

  // 4. after a reconnect the hello no longer claims the cache: v3 came from the console
  second.socket!.terminate();
  await waitFor(() => second.of("hello").length > 1, "a second hello");
  expect(second.of("hello")[1]).toMatchObject({ appliedVersion: "v3" });
  expect(second.of("hello")[1].cachedVersionId).toBeUndefined();
});

interface Outcome {
  sentAt: number;
  ok: boolean;
  /** the error code (ECONNREFUSED, ECONNRESET …) or `HTTP <status>` or `body <text>` */
  what: string;
}

/** GETs on fresh connections every `everyMs`, each recorded with when it was sent and how it ended. */
function clientLoop(port: number, expected: string, everyMs: number) {
  const outcomes: Outcome[] = [];
  const inflight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const sentAt = performance.now();
    const p = new Promise<void>((resolve) => {
      const done = (ok: boolean, what: string) => (outcomes.push({ sentAt, ok, what }), resolve());
      const req = http.get({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => (res.statusCode !== 200 ? done(false, `HTTP ${res.statusCode}`) : done(body === expected, `body ${body.slice(0, 60)}`)));
        res.on("error", (e: NodeJS.ErrnoException) => done(false, e.code ?? e.message));
      });
      req.on("error", (e: NodeJS.ErrnoException) => done(false, e.code ?? e.message));
      req.setTimeout(5000, () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    });
    inflight.add(p);
    void p.then(() => inflight.delete(p));
  }, everyMs);
  return {
    outcomes,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inflight);
    },
  };
}

it("a worker killed with SIGKILL and restarted while the console is down serves its cached version: no request fails once the port is up", async () => {
  const u = await startUpstream((_req, res) => res.end("cached-upstream"));
  cleanups.push(() => u.close());
  const port = await freePort();
  const { consolePort, cacheDir, worker } = await workerWithCachedV1(resources(port, u.port));
  const loop = clientLoop(port, "cached-upstream", 10);
  cleanups.push(() => loop.stop());
  // steady traffic through the worker whose console just went away
  await waitFor(() => loop.outcomes.filter((o) => o.ok).length >= 100, "traffic through the first worker");

  const killSentAt = performance.now();
  worker.child.kill("SIGKILL");
  await worker.exited;
  const killedAt = performance.now();
  const restarted = startWorker(consolePort, cacheDir);
  await waitFor(() => restarted.stderr().includes("serving cached version v1 (console unreachable)"), "the restarted worker to serve v1", 20_000);
  // the port is up from the first request after the kill that connected; from then on, count a good number
  const upAt = () => loop.outcomes.filter((o) => o.sentAt > killedAt && o.what !== "ECONNREFUSED").reduce((t, o) => Math.min(t, o.sentAt), Infinity);
  await waitFor(() => loop.outcomes.filter((o) => o.sentAt >= upAt()).length >= 100, "100 requests after the restart", 20_000);
  await loop.stop();

  const before = loop.outcomes.filter((o) => o.sentAt < killSentAt - 200);
  const gap = loop.outcomes.filter((o) => o.sentAt > killedAt && o.sentAt < upAt());
  const after = loop.outcomes.filter((o) => o.sentAt >= upAt());
  console.log(`[it] ${before.length} requests before the kill, ${gap.length} refused in the ${Math.round(upAt() - killedAt)} ms gap, ${after.length} after the port was up`);
  // before the kill, everything succeeded (requests in flight at the kill may be reset: not measured)
  expect(before.length).toBeGreaterThan(50);
  expect(before.filter((o) => !o.ok)).toEqual([]);
  // while nothing listened, connections were refused, and nothing else happened
  expect(gap.length).toBeGreaterThan(0);
  expect(new Set(gap.map((o) => o.what))).toEqual(new Set(["ECONNREFUSED"]));
  // once the restarted worker's listener was bound: no reset, no 5xx, no wrong body
  expect(after.length).toBeGreaterThanOrEqual(100);
  expect(after.filter((o) => !o.ok)).toEqual([]);
});

/** A cache file as the worker writes it, around `resources`. */
function writeCache(dir: string, body: { versionId: string; number: number; resources: unknown; hash?: string }) {
  fs.mkdirSync(dir, { recursive: true });
  const hash = body.hash ?? "sha256:" + crypto.createHash("sha256").update(JSON.stringify(body.resources)).digest("hex");
  fs.writeFileSync(path.join(dir, CACHE_FILE), JSON.stringify({ format: CACHE_FORMAT, versionId: body.versionId, number: body.number, hash, writtenAt: new Date().toISOString(), resources: body.resources }));
}

it("ignores a corrupt cache, a tampered one and one this build refuses, each with a warning; the worker keeps running and follows the console", async () => {
  const u = await startUpstream((_req, res) => res.end("from-console"));
  cleanups.push(() => u.close());
  const port = await freePort();
  const good = resources(port, u.port);
  const cases: { name: string; write: (dir: string) => void; warning: RegExp }[] = [
    {
      name: "truncated",
      write: (dir) => {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, CACHE_FILE), '{"format":1,"versionId":"v4","res');
      },
      warning: /ignoring the snapshot cache .*snapshot\.json: not JSON/,
    },
    { name: "tampered", write: (dir) => writeCache(dir, { versionId: "v4", number: 4, resources: good, hash: "sha256:" + "0".repeat(64) }), warning: /ignoring the snapshot cache .*: its resources do not match its hash/ },
    {
      name: "refused",
      write: (dir) => writeCache(dir, { versionId: "v4", number: 4, resources: { ...good, clusters: [{ ...cluster("svc", [u.port]), lb_policy: "MAGLEV" }] } }),
      warning: /ignoring cached version v4 in .*: this build does not accept it: clusters\[0\]\.lb_policy: MAGLEV is not supported/,
    },
  ];
  const consolePort = await freePort();
  for (const c of cases) {
    const dir = path.join(tmp, `bad-${c.name}`);
    c.write(dir);
    const w = startWorker(consolePort, dir);
    const admin = await adminPortOf(w);
    expect(w.stderr()).toMatch(c.warning);
    expect(w.stderr()).toMatch(/\[warning\] ignoring/);
    // up, serving nothing, as without a cache
    expect((await request(admin, "/ready")).status).toBe(503);
    expect(await serverInfo(admin)).toMatchObject({ state: "PRE_INITIALIZING", config_version: null, config_source: null });
    expect(w.stderr()).not.toContain("serving cached version");
    expect(w.child.exitCode).toBeNull();
    if (c.name !== "truncated") {
      w.child.kill("SIGTERM");
      expect(await w.exited).toBe(0);
      continue;
    }
    // the console appears: the worker follows it, and its snapshot replaces the corrupt file
    const live = await FakeConsole.start(consolePort, cleanups);
    await waitFor(() => live.of("hello").length > 0, "hello", 20_000);
    expect(live.of("hello")[0]).toMatchObject({ appliedVersion: null });
    live.push("v5", 5, good);
    await waitFor(() => live.of("ack").length > 0, "ack of v5");
    expect((await request(port, "/")).body).toBe("from-console");
    await waitFor(() => {
      try {
        return readCache(dir).versionId === "v5";
      } catch {
        return false;
      }
    }, "v5 in the cache");
    w.child.kill("SIGTERM");
    expect(await w.exited).toBe(0);
    await live.close();
  }
});

it("with --concurrency 2 the primary writes the cache and restores it into every worker process", async () => {
  const u = await startUpstream((_req, res) => res.end("cached-upstream"));
  cleanups.push(() => u.close());
  const port = await freePort();
  const consolePort = await freePort();
  const cacheDir = path.join(tmp, "concurrency");
  const first = await FakeConsole.start(consolePort, cleanups);
  const w1 = startWorker(consolePort, cacheDir, ["--concurrency", "2"]);
  await waitFor(() => first.of("hello").length > 0, "hello", 20_000);
  first.push("v1", 1, resources(port, u.port));
  await waitFor(() => first.of("ack").length > 0, "ack of v1", 20_000);
  w1.child.kill("SIGTERM");
  expect(await w1.exited).toBe(0);
  await first.close();
  expect(readCache(cacheDir)).toMatchObject({ versionId: "v1", number: 1 });

  const w2 = startWorker(consolePort, cacheDir, ["--concurrency", "2"]);
  const admin = await adminPortOf(w2);
  for (let i = 0; i < 20; i++) expect((await request(port, "/")).body).toBe("cached-upstream");
  expect((await serverInfo(admin)).config_source).toMatchObject({ source: "cache", version_info: "v1" });
  // one process read the file and applied it: the primary (its workers were sent the snapshot)
  expect(w2.stderr().match(/applied cached version v1/g)).toHaveLength(1);
  expect(w2.stderr()).toMatch(/proxy-core: applied cached version v1/);
});

it("--cache-dir needs --control-plane", async () => {
  const config = path.join(tmp, "static.yaml");
  fs.writeFileSync(config, "static_resources: {listeners: [], clusters: []}\n");
  const p = runCli(["-c", config, "--cache-dir", path.join(tmp, "unused")]);
  cleanups.push(() => p.kill());
  expect(await settled(p)).toBe(1);
  expect(p.stderr()).toContain("--cache-dir keeps what a console sends: it needs --control-plane");
});
