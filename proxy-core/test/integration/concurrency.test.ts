// `--concurrency 2`: the real CLI forks two node:cluster workers behind one primary. Traffic is spread over
// both, the primary's /stats merges their counters, their spans and events reach the console through it,
// SIGHUP and console snapshots reach both (one ACK, or a NACK with the old config still served everywhere),
// a killed worker is re-forked, SIGTERM leaves nothing.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { WebSocketServer, type WebSocket } from "ws";
import type { AddressInfo } from "node:net";
import { stringify } from "yaml";
import { adminStat, cluster, listener, request, startUpstream, waitFor } from "./harness";

const BIN = path.resolve(__dirname, "../../bin/proxy-core.mjs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-concurrency-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Direct children of `pid` (the workers, and tsx's esbuild service). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

function workerPids(pid: number): number[] {
  return childrenOf(pid).filter((c) => {
    try {
      return fs.readFileSync(`/proc/${c}/cmdline`, "utf8").includes("proxy-core.mjs");
    } catch {
      return false;
    }
  });
}

interface Proc {
  child: ChildProcess;
  pid: number;
  stderr: () => string;
  exited: Promise<number | null>;
  /** every child process seen, for the final check and the cleanup */
  seen: Set<number>;
}

function run(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  child.stdout!.resume();
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const seen = new Set<number>();
  const pid = child.pid!;
  const track = setInterval(() => childrenOf(pid).forEach((c) => seen.add(c)), 200);
  cleanups.push(async () => {
    clearInterval(track);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    for (const c of seen) if (alive(c)) process.kill(c, "SIGKILL");
  });
  return { child, pid, stderr: () => err, exited, seen };
}

function writeConfig(name: string, doc: unknown) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, stringify(doc));
  return file;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** `n` requests one after another, each on a fresh connection (round-robin hands them to the workers in turn). */
async function bodies(port: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await request(port, "/")).body);
  return out;
}

/** true when `n` fresh requests all succeed with `body` (a transient refusal while a worker restarts → false) */
async function allServe(port: number, n: number, body: string | RegExp) {
  try {
    const got = await bodies(port, n);
    return got.every((b) => (typeof body === "string" ? b === body : body.test(b)));
  } catch {
    return false;
  }
}

async function stopAndCheck(p: Proc) {
  await waitFor(() => workerPids(p.pid).length === 2, "two workers"); // record them
  childrenOf(p.pid).forEach((c) => p.seen.add(c));
  p.child.kill("SIGTERM");
  expect(await p.exited).toBe(0);
  await waitFor(() => [...p.seen].every((c) => !alive(c)), "every child process to be gone", 10_000);
}

describe("proxy-core --concurrency 2", () => {
  it("a refused file fails before forking; a bad --concurrency is refused", async () => {
    const bad = run(["-c", writeConfig("bad.yaml", { static_resources: { listeners: [{ name: "x" }] } }), "--concurrency", "2"]);
    expect(await bad.exited).toBe(1);
    expect(bad.stderr()).toMatch(/refused/);
    expect(bad.stderr()).not.toMatch(/forked/);
    const flag = run(["-c", "whatever.yaml", "--concurrency", "two"]);
    expect(await flag.exited).toBe(1);
    expect(flag.stderr()).toMatch(/--concurrency must be a number of processes or "auto"/);
  });

  it("-c: spreads traffic over both workers, merges stats, reloads both on SIGHUP, re-forks a killed worker", async () => {
    const up = [await startUpstream((_q, res) => res.end("a")), await startUpstream((_q, res) => res.end("b"))];
    cleanups.push(() => Promise.all(up.map((u) => u.close())).then(() => {}));
    const conns = up.map(() => new Set<unknown>());
    up.forEach((u, i) => u.server.on("request", (req) => conns[i].add(req.socket)));
    const port = await freePort();
    const doc = (clusters: ReturnType<typeof cluster>[], routes = [{ match: { prefix: "/" }, route: { cluster: "svc" } }]) => ({
      admin: { address: { socket_address: { address: "127.0.0.1", port_value: 0 } } },
      static_resources: { listeners: [listener("main", routes, { port, statPrefix: "ing" })], clusters },
    });
    const file = writeConfig("c.yaml", doc([cluster("svc", [up[0].port, up[1].port])]));
    const p = run(["-c", file, "--concurrency", "2", "--admin-address", "127.0.0.1:0"]);
    await waitFor(() => /started from .*admin 127\.0\.0\.1:\d+/.test(p.stderr()), "the primary to start", 30_000);
    const adminPort = Number(/admin 127\.0\.0\.1:(\d+)/.exec(p.stderr())![1]);
    expect(workerPids(p.pid)).toHaveLength(2);

    const got = await bodies(port, 20);
    expect(got.every((b) => b === "a" || b === "b")).toBe(true);
    const toA = got.filter((b) => b === "a").length;
    expect(toA).toBeGreaterThan(0);
    expect(toA).toBeLessThan(20);
    // each worker has its own upstream pool: sequential requests through one worker would reuse one
    // connection per upstream; two workers make (at least) two
    expect(conns[0].size).toBeGreaterThanOrEqual(2);
    expect(conns[1].size).toBeGreaterThanOrEqual(2);
    // merged once both workers reported (once a second)
    await waitFor(async () => (await adminStat(adminPort, "http.ing.downstream_rq_total")) === 20, "merged downstream_rq_total 20");
    expect(await adminStat(adminPort, "cluster.svc.upstream_rq_total")).toBe(20);
    expect(await adminStat(adminPort, "server.concurrency")).toBe(2);
    const clusters = (await request(adminPort, "/clusters")).body;
    // per-host counters summed over the workers
    expect(clusters).toContain(`svc::127.0.0.1:${up[0].port}::rq_total::${toA}`);
    expect(clusters).toContain(`svc::127.0.0.1:${up[1].port}::rq_total::${20 - toA}`);
    expect((await request(adminPort, "/stats/prometheus")).body).toMatch(/envoy_http_downstream_rq_total\{envoy_http_conn_manager_prefix="ing"\} 20/);
    expect((await request(adminPort, "/stats")).body).toMatch(/^http\.ing\.downstream_rq_time: P0\(/m);
    expect(JSON.parse((await request(adminPort, "/server_info")).body).command_line_options.concurrency).toBe(2);

    // SIGHUP: both workers switch (fresh connections alternate between them)
    writeConfig("c.yaml", doc([], [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: "two" } } }] as never));
    p.child.kill("SIGHUP");
    await waitFor(() => /reloaded /.test(p.stderr()), "the reload");
    expect(await bodies(port, 10)).toEqual(Array(10).fill("two"));

    // a killed worker is replaced and gets the current config
    const [victim, other] = workerPids(p.pid);
    process.kill(victim, "SIGKILL");
    await waitFor(() => workerPids(p.pid).length === 2 && !workerPids(p.pid).includes(victim), "a new worker", 30_000);
    expect(workerPids(p.pid)).toContain(other);
    await waitFor(() => allServe(port, 10, "two"), "traffic through both workers again");
    expect(p.stderr()).toMatch(new RegExp(`worker ${victim} exited \\(SIGKILL\\)`));

    await stopAndCheck(p);
  });

  it("--control-plane: one ACK after both workers applied; a bind failure NACKs and the old config stays everywhere", async () => {
    const u = await startUpstream((q, res) => (q.url === "/slow" ? setTimeout(() => res.end("slow"), 200) : res.end("from-upstream")));
    cleanups.push(() => u.close());
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", path: "/ws/worker" });
    await once(wss, "listening");
    cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
    const messages: Record<string, unknown>[] = [];
    let socket: WebSocket | null = null;
    wss.on("connection", (ws) => {
      socket = ws;
      ws.on("message", (m) => messages.push(JSON.parse(String(m))));
    });
    const wsPort = (wss.address() as AddressInfo).port;
    const p = run(["--control-plane", `ws://127.0.0.1:${wsPort}/ws/worker`, "--node-id", "n1", "--admin-address", "127.0.0.1:0", "--concurrency", "2"]);
    await waitFor(() => messages.some((m) => m.type === "hello"), "hello", 30_000);
    const adminPort = Number(String(messages.find((m) => m.type === "hello")!.admin).split(":").pop());

    // max_requests 1 per worker: a burst of slow requests trips it, and the trip is reported as an event
    // tracing at 100 % without a provider: every request's spans go to the console, through the primary
    const traced = listener("main", [{ match: { prefix: "/" }, route: { cluster: "svc" } }]);
    (traced.filter_chains[0].filters[0].typed_config as { tracing?: unknown }).tracing = {};
    const good = {
      listeners: [traced],
      clusters: [cluster("svc", [u.port], { circuit_breakers: { thresholds: [{ max_requests: 1 }] } })],
    };
    socket!.send(JSON.stringify({ type: "snapshot", version: "v1", number: 1, nonce: "n-1", resources: good }));
    await waitFor(() => messages.some((m) => m.type === "ack"), "ack");
    // the listener asked for port 0: both workers share the one port the primary got
    const port = Number(/main::127\.0\.0\.1:(\d+)/.exec((await request(adminPort, "/listeners")).body)![1]);
    expect(await bodies(port, 10)).toEqual(Array(10).fill("from-upstream"));
    const burst = await Promise.all(Array.from({ length: 10 }, () => request(port, "/slow")));
    expect(burst.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    // workers' events travel through the primary to the console
    await waitFor(() => messages.some((m) => m.type === "event" && m.kind === "circuit_breaker" && m.cluster === "svc"), "a circuit_breaker event");
    // and so do their spans: one SERVER span per request, whichever worker served it
    const serverSpans = () => messages.filter((m) => m.type === "spans").flatMap((m) => m.spans as { kind: string; tags: Record<string, string> }[]).filter((sp) => sp.kind === "SERVER");
    await waitFor(() => serverSpans().length >= 20, "a SERVER span per request through the primary", 10_000);
    expect(new Set(serverSpans().map((sp) => sp.tags.node_id))).toEqual(new Set(["n1"]));
    // and their access-log samples: every /slow request of the burst, served or refused
    const slow = () => messages.filter((m) => m.type === "access_log").flatMap((m) => m.entries as { path: string; status: number; responseFlags: string }[]).filter((e) => e.path === "/slow");
    await waitFor(() => slow().length === 10, "10 access-log entries through the primary", 10_000);
    expect(slow().filter((e) => e.status === 503).every((e) => e.responseFlags === "UO")).toBe(true);

    // valid, but the second listener's port is taken: every worker fails to bind → one NACK, v1 everywhere
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const taken = (blocker.address() as AddressInfo).port;
    const bad = { listeners: [...good.listeners, listener("second", [{ match: { prefix: "/" }, route: { cluster: "svc" } }], { port: taken })], clusters: good.clusters };
    socket!.send(JSON.stringify({ type: "snapshot", version: "v2", number: 2, nonce: "n-2", resources: bad }));
    await waitFor(() => messages.some((m) => m.type === "nack"), "nack");
    const nack = messages.find((m) => m.type === "nack")!;
    expect(nack).toMatchObject({ version: "v2", nonce: "n-2", appliedVersion: "v1" });
    expect(String(nack.error)).toMatch(/listener second: cannot bind/);
    expect(await bodies(port, 10)).toEqual(Array(10).fill("from-upstream"));
    expect(JSON.parse((await request(adminPort, "/config_dump")).body).version_info).toBe("v1");

    // an invalid snapshot is refused by the primary itself
    socket!.send(JSON.stringify({ type: "snapshot", version: "v3", number: 3, nonce: "n-3", resources: { ...good, clusters: [{ ...cluster("svc", [u.port]), lb_policy: "MAGLEV" }] } }));
    await waitFor(() => messages.filter((m) => m.type === "nack").length === 2, "second nack");
    expect(String(messages.filter((m) => m.type === "nack")[1].error)).toMatch(/lb_policy: MAGLEV is not supported/);

    // a good v4 with a changed route: one ACK, and every worker serves it
    const v4 = { ...good, listeners: [listener("main", [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: "v4" } } }], { port })] };
    socket!.send(JSON.stringify({ type: "snapshot", version: "v4", number: 4, nonce: "n-4", resources: v4 }));
    await waitFor(() => messages.filter((m) => m.type === "ack").length === 2, "second ack");
    expect(await bodies(port, 10)).toEqual(Array(10).fill("v4"));
    // merged stats reach the console: 40 requests through the HCM over both workers
    const total = () => {
      let last = 0;
      for (const m of messages) if (m.type === "stats") last = (m.counters as Record<string, number>)["http.ingress_http.downstream_rq_total"] ?? last;
      return last;
    };
    await waitFor(() => total() === 40, "merged stats on the stream");
    await new Promise((r) => setTimeout(r, 300));
    expect(messages.filter((m) => m.type === "ack").map((m) => m.nonce)).toEqual(["n-1", "n-4"]);

    await stopAndCheck(p);
  });
});
