// Circuit breakers under bursts after idle, measured at the upstream: whatever state the pool's connections
// are in (none yet, warm, closing after the upstream's keep-alive timeout), no more than `max_requests`
// requests per process are ever in flight at the upstream, and every refusal is counted. The worker runs as a
// real `proxy-core -c` process, alone and with `--concurrency 2` (Envoy's limits are per process).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { adminStat, burst, cluster, listener, sleep, startCountingUpstream, waitFor, type CountingUpstream, type Reply } from "./harness";
import { freePort, runCli, type CliProc } from "../fixtures/cli";
import type { Cluster, Listener } from "../../src/config/schema";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-bursts-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OVERFLOW_BODY = "upstream connect error or disconnect/reset before headers. reset reason: overflow";
/** idle gaps before each burst: a warm pool, undici closing idle sockets (1 s), the upstream closing them (3 s), cold */
const GAPS_MS = [200, 1000, 3000, 6000];

interface Worker {
  port: number;
  admin: number;
  proc: CliProc;
  stat(name: string): Promise<number>;
}

async function upstream(opts: Parameters<typeof startCountingUpstream>[0]): Promise<CountingUpstream> {
  const u = await startCountingUpstream(opts);
  cleanups.push(() => u.close());
  return u;
}

/** `proxy-core -c` on a JSON bootstrap, ready once its admin answers and its listener accepts. */
async function worker(listeners: Listener[], clusters: Cluster[], concurrency = 1): Promise<Worker> {
  const port = await freePort();
  const admin = await freePort();
  listeners[0].address.socket_address.port_value = port;
  const file = path.join(tmp, `bootstrap-${port}.json`);
  fs.writeFileSync(file, JSON.stringify({ static_resources: { listeners, clusters } }));
  const proc = runCli(["-c", file, "--admin-address", `127.0.0.1:${admin}`, "--concurrency", String(concurrency), "--drain-time-s", "1"]);
  cleanups.push(() => proc.kill());
  const stat = async (name: string) => (await adminStat(admin, name)) ?? 0;
  const up = () => stat("server.concurrency").then((n) => n === concurrency, () => false);
  await waitFor(async () => (await up()) && (await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)), `worker on ${port}`, 20_000).catch((e: Error) => {
    throw new Error(`${e.message}; its log:\n${proc.stderr()}`);
  });
  return { port, admin, proc, stat };
}

function routeTo(clusterName: string, prefix = "/"): Listener {
  return listener("l", [{ match: { prefix }, route: { cluster: clusterName } }]);
}

function overflowed(replies: Reply[]): Reply[] {
  return replies.filter((r) => r.status === 503);
}

/** Counters of a --concurrency primary arrive with the workers' next report (≤ 1 s): wait until they settle. */
async function settled(w: Worker, name: string, expected: number): Promise<number> {
  await waitFor(async () => (await w.stat(name)) === expected, `${name} = ${expected}`, 5000).catch(() => {});
  return w.stat(name);
}

describe.each([1, 2])("circuit breakers under bursts after idle, --concurrency %i", (processes) => {
  it("max_requests 1, max_pending_requests 1: never more than 1 per process at the upstream; every refusal counted", async () => {
    const u = await upstream({ delayMs: 500, keepAliveTimeoutMs: 3000 });
    const w = await worker([routeTo("c")], [cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_requests: 1, max_pending_requests: 1 }] } })], processes);
    let refused = 0;
    for (const gap of GAPS_MS) {
      await sleep(gap);
      u.reset();
      const replies = await burst(w.port, 50);
      const ok = replies.filter((r) => r.status === 200);
      const over = overflowed(replies);
      expect(u.maxInFlight, `in flight at the upstream after a ${gap} ms gap`).toBeLessThanOrEqual(processes);
      expect(ok.length, `after a ${gap} ms gap`).toBeGreaterThanOrEqual(1);
      expect(ok.length + over.length).toBe(50);
      expect(u.requests).toBe(ok.length);
      for (const r of over) {
        expect(r.body).toBe(OVERFLOW_BODY);
        expect(r.headers["x-envoy-overloaded"]).toBe("true");
      }
      refused += over.length;
      expect(await settled(w, "cluster.c.upstream_rq_pending_overflow", refused)).toBe(refused);
    }
    expect(await settled(w, "cluster.c.upstream_rq_active", 0)).toBe(0);
    expect(await settled(w, "cluster.c.upstream_rq_pending_active", 0)).toBe(0);
    expect(await settled(w, "cluster.c.circuit_breakers.default.rq_open", 0)).toBe(0);
  });
});

describe("circuit breakers: every threshold under bursts (one process)", () => {
  it("max_connections 2 queues instead of refusing: all 50 served over at most 2 connections; two clusters sharing a host each keep their own limit", async () => {
    const u = await upstream({ delayMs: 40, keepAliveTimeoutMs: 3000 });
    const limited = (name: string) => cluster(name, [u.port], { circuit_breakers: { thresholds: [{ max_connections: 2 }] } });
    const l = listener("l", [
      { match: { prefix: "/a/" }, route: { cluster: "a" } },
      { match: { prefix: "/b/" }, route: { cluster: "b" } },
    ]);
    const w = await worker([l], [limited("a"), limited("b")]);
    for (const gap of [200, 6000]) {
      await sleep(gap);
      u.reset();
      const replies = await burst(w.port, 60, (i) => (i % 2 ? "/a/x" : "/b/x"));
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
      expect(u.maxByPrefix.get("a")).toBeLessThanOrEqual(2);
      expect(u.maxByPrefix.get("b")).toBeLessThanOrEqual(2);
      expect(u.connections).toBeLessThanOrEqual(4);
    }
    expect(await w.stat("cluster.a.upstream_cx_overflow")).toBeGreaterThan(0);
    expect(await w.stat("cluster.a.upstream_rq_pending_overflow")).toBe(0);
    expect(await w.stat("cluster.a.upstream_cx_active")).toBeLessThanOrEqual(2);
  });

  it("max_pending_requests 5 with one connection: 1 in flight, 5 waiting, the rest refused and counted", async () => {
    // each request holds the one connection for 400 ms: the burst's 50 requests all arrive while the first is
    // served, even on a loaded machine, so the bound below is exact
    const u = await upstream({ delayMs: 400, keepAliveTimeoutMs: 3000 });
    const w = await worker([routeTo("c")], [cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_connections: 1, max_pending_requests: 5 }] } })]);
    let refused = 0;
    for (const gap of [200, 6000]) {
      await sleep(gap);
      u.reset();
      const replies = await burst(w.port, 50);
      const served = replies.filter((r) => r.status === 200).length;
      expect(u.maxInFlight).toBe(1);
      // a cold pool holds 5 pending; a warm one attaches the first at once and holds 5 more
      expect(served).toBeGreaterThanOrEqual(5);
      expect(served).toBeLessThanOrEqual(6);
      expect(overflowed(replies).length).toBe(50 - served);
      refused += 50 - served;
      expect(await w.stat("cluster.c.upstream_rq_pending_overflow")).toBe(refused);
    }
    expect(await w.stat("cluster.c.upstream_rq_pending_active")).toBe(0);
  });

  it("max_retries 2: at most 2 retries in flight; the others forward the upstream's 503 and count retry overflow", async () => {
    // the first attempt of each path fails at once; its retry is held for 300 ms, so retries overlap
    const seen = new Set<string>();
    let held = 0;
    let maxHeld = 0;
    const u = await upstream({
      delayMs: 0,
      answer: (req, res) => {
        if (!seen.has(req.url!)) {
          seen.add(req.url!);
          res.statusCode = 503;
          return res.end("first attempt fails");
        }
        maxHeld = Math.max(maxHeld, ++held);
        setTimeout(() => {
          held--;
          res.end("retried");
        }, 300);
      },
    });
    const route = { cluster: "c", retry_policy: { retry_on: "5xx", num_retries: 1 } };
    const w = await worker([listener("l", [{ match: { prefix: "/" }, route }])], [cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_retries: 2 }] } })]);
    let overflow = 0;
    for (const [round, gap] of [200, 3000].entries()) {
      await sleep(gap);
      u.reset();
      maxHeld = 0;
      const replies = await burst(w.port, 20, (i) => `/r${round}-${i}`);
      const retried = replies.filter((r) => r.status === 200);
      const forwarded = replies.filter((r) => r.status === 503);
      expect(retried.length).toBeGreaterThanOrEqual(2);
      expect(retried.length + forwarded.length).toBe(20);
      for (const r of forwarded) {
        expect(r.body).toBe("first attempt fails");
        expect(r.headers["x-envoy-overloaded"]).toBeUndefined();
      }
      expect(maxHeld, "retries in flight at the upstream").toBeLessThanOrEqual(2);
      expect(u.requests).toBe(20 + retried.length);
      overflow += forwarded.length;
      expect(await w.stat("cluster.c.upstream_rq_retry_overflow")).toBe(overflow);
    }
    expect(await w.stat("cluster.c.circuit_breakers.default.rq_retry_open")).toBe(0);
  });
});
