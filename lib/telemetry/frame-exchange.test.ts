// Two console replicas' telemetry (two Telemetry instances, replicas "a" and "b") on one real, freshly migrated
// SQLite file, exchanging live frames through the LiveFrame table with an injectable clock: b's node reaches a's
// live window, ticks, node and cluster views; b's events reach a's feed in arrival order although their ids are
// not; nothing a relays lands in its rollups; the fleet's rollup rows of two replicas add up; a replica alone
// writes nothing but presence rows.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClusterReport } from "../../proxy-core/src/config/index";
import { DEFAULT_SETTINGS } from "../contract/settings";
import { closeDb } from "../db";
import { migrate } from "../migrate";
import { listRollups } from "../repos/rollup-repo";
import { liveFramesAfter } from "../repos/live-frame-repo";
import type { Frame } from "./frame";
import { Telemetry } from "./telemetry";

let dir: string;
let now = Date.UTC(2026, 11, 1, 9, 0, 0, 120);
const started: Telemetry[] = [];

async function make(replica: string): Promise<Telemetry> {
  const t = new Telemetry({ liveResources: () => null, settings: { ...DEFAULT_SETTINGS }, log: () => {}, now: () => now, replica, exchangeTimer: false });
  await t.start();
  started.push(t);
  return t;
}

/** a worker's stats report: `total` responses so far, all 2xx, over HTTP and cluster "api"; `cx` connections open */
const stats = (total: number, cx: number) => ({
  type: "stats" as const, ts: now,
  counters: { "http.in.downstream_rq_total": total, "http.in.downstream_rq_2xx": total, "cluster.api.upstream_rq_total": total, "cluster.api.upstream_rq_2xx": total },
  gauges: { "http.in.downstream_cx_active": cx }, histograms: {},
});

const report = (rqTotal: number): ClusterReport => ({
  name: "api",
  limits: { max_connections: 10, max_pending_requests: 5, max_requests: 8, max_retries: 3 },
  usage: { connections: 2, pending: 0, requests: 1, retries: 0 },
  hosts: [{ label: "10.0.0.7:80", address: "10.0.0.7", healthFlags: "healthy", weight: 1, stats: { rq_total: rqTotal, rq_error: 0, rq_active: 1, cx_active: 2 } }],
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-exchange-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + path.join(dir, "x.db");
  await migrate("deploy", undefined, { log: () => {} });
});

afterAll(async () => {
  for (const t of started) await t.stop();
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("live frames between replicas", () => {
  let a: Telemetry;
  let b: Telemetry;
  /** what b's node n2 and a's node n1 answered, in all */
  let n2Total = 0;
  let n1Total = 0;

  it("a replica alone writes only presence rows; the other one notices it from them", async () => {
    a = await make("a");
    b = await make("b");
    b.ingest.connected("early", null);
    now += 1000;
    // nobody else is known: b's frames and events are not written, a presence row is
    expect(await b.exchange.publish()).toBe(1);
    const rows = await liveFramesAfter(0, "a");
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0].data)).toMatchObject({ f: {} });
    expect(JSON.parse(rows[0].data).e).toBeUndefined();
    // and not again before PRESENCE_MS
    now += 1000;
    expect(await b.exchange.publish()).toBe(0);
    expect(a.exchange.othersActive()).toBe(false);
    expect(await a.exchange.pull()).toBe(1);
    expect(a.exchange.othersActive()).toBe(true);
    expect(a.window.nodes()).toEqual([]);
    // a, having heard of b, writes its presence at once; b hears of a
    expect(await a.exchange.publish()).toBe(1);
    expect(await b.exchange.pull()).toBe(1);
    expect(b.exchange.othersActive()).toBe(true);
    // a second read finds nothing new: each row is merged once
    expect(await a.exchange.pull()).toBe(0);
  });

  it("b's node reaches a's live window, tick, node view and cluster view; b's events reach a's feed", async () => {
    a.tickOf(Math.floor(now / 1000)); // the feed so far is delivered
    b.ingest.connected("n2", null);
    a.ingest.connected("n1", null);
    const seconds: number[] = [];
    for (let i = 0; i < 12; i++) {
      n2Total += 10;
      n1Total += 3;
      b.ingest.message("n2", stats(n2Total, 4));
      a.ingest.message("n1", stats(n1Total, 3));
      if (i === 5) b.ingest.message("n2", { type: "clusters", ts: now, clusters: [report(1000)] });
      if (i === 6) b.ingest.message("n2", { type: "event", ts: now, kind: "circuit_breaker", cluster: "api", details: { threshold: "max_requests", state: "open" } });
      seconds.push(Math.floor(now / 1000));
      now += 1000;
      await b.exchange.publish();
      await a.exchange.publish();
      await a.exchange.pull();
      await b.exchange.pull();
    }
    // each second of n2 once, in a's memory, as b counted it
    expect(a.window.nodes().sort()).toEqual(["n1", "n2"]);
    for (const s of seconds) expect(a.window.get("n2", s)?.d.q?.[2]).toBe(10);
    const last = seconds[seconds.length - 1];
    const tick = a.tickOf(last);
    expect(tick.nodes.n2).toMatchObject({ rps: 10, activeConnections: 4 });
    expect(tick.fleet).toMatchObject({ rps: 13, activeConnections: 7 });
    expect(tick.clusters).toEqual([expect.objectContaining({ name: "api", rps: 13 })]);
    expect(a.queries.liveStats("n2", 12).map((p) => p.rq2xx)).toEqual(seconds.map(() => 10));
    // the cluster page on a: b's worker's hosts and breaker usage
    const cluster = a.queries.clusterLive("api");
    expect(cluster?.endpoints).toEqual([expect.objectContaining({ address: "10.0.0.7:80", activeConnections: 2 })]);
    expect(cluster?.usage.requests).toEqual({ now: 1, max: 8 });
    // the guard's view: every node's frames
    const guardFrames = [...a.window.frames(seconds[0] * 1000, (last + 1) * 1000)];
    expect(guardFrames.filter((f) => f.node === "n2").reduce((n, f) => n + (f.frame.d.q?.[2] ?? 0), 0)).toBe(n2Total);
    // the tick's feed: b's events (recorded while a was known) and a's own, each once
    expect(tick.events.map((e) => `${e.node}:${e.kind}`).sort()).toEqual(["n1:connected", "n2:circuit_breaker", "n2:connected"]);
    expect(new Set(tick.events.map((e) => e.id)).size).toBe(3);
    // b's connect of "early" before it knew of a stayed b's: in the Event table, not in a's feed
    expect(a.events.recent().some((e) => e.node === "early")).toBe(false);
  });

  it("delivers every event once in the next tick, in arrival order, though ids of two replicas are not in time order", async () => {
    const sec = Math.floor(now / 1000);
    const remote = a.events.recent().find((e) => e.kind === "circuit_breaker")!;
    // b reserved its range after a: its ids are above a's, whatever the order events happen in
    const local = a.events.recent().find((e) => e.node === "n1")!;
    expect(remote.id).toBeGreaterThan(local.id);
    // an event recorded on a after b's gets a smaller id than b's; the next tick still has it, and only it
    a.ingest.rejected("n1", "v7", "bind failed");
    const second = a.tickOf(sec);
    expect(second.events.map((e) => e.kind)).toEqual(["nack"]);
    expect(second.events[0].id).toBeLessThan(remote.id);
    expect(a.tickOf(sec + 1).events).toEqual([]);
    // b's disconnect removes its node's cluster report from a's cluster view
    b.ingest.disconnected("n2");
    now += 1000;
    await b.exchange.publish();
    await a.exchange.pull();
    expect(a.tickOf(sec + 2).events.map((e) => `${e.node}:${e.kind}`)).toEqual(["n2:disconnected"]);
    // no worker reports the cluster now, and no live version names it (this test has none)
    expect(a.queries.clusterLive("api")).toBeNull();
  });

  it("reads a's rollups plus b's: every second once, the fleet's connections added over both replicas", async () => {
    // a's 1h series while b's recent buckets are only in b's memory (and, relayed, in a's window); the window
    // leaves out the step still filling: move to the next one
    now = Math.ceil(now / 10_000) * 10_000 + 200;
    await b.exchange.publish();
    await a.exchange.pull();
    const hour = await a.queries.series({ window: "1h" });
    expect(Math.round(hour.points.reduce((n, p) => n + p.rps2xx * 10, 0))).toBe(n1Total + n2Total);
    await a.stop();
    await b.stop();
    started.length = 0;
    // rollups: n2 only as b wrote it (a relayed its frames, never rolled them up), n1 only as a wrote it
    const rows = async (node: string) => (await listRollups(10_000, node, 0, now + 60_000)).map((r) => JSON.parse(r.data) as Frame);
    expect((await rows("n2")).reduce((n, f) => n + (f.d.q?.[2] ?? 0), 0)).toBe(n2Total);
    expect((await rows("n1")).reduce((n, f) => n + (f.d.q?.[2] ?? 0), 0)).toBe(n1Total);
    const fleet = await rows("*");
    expect(new Set(fleet.map((f) => f.rp))).toEqual(new Set(["a", "b"]));
    // a third replica reading only rows: the fleet's figures are both replicas' added up
    now += 60_000;
    const c = await make("c");
    const s = await c.queries.series({ window: "1h" });
    expect(Math.round(s.points.reduce((n, p) => n + p.rps2xx * 10, 0))).toBe(n1Total + n2Total);
    // a bucket where both replicas' nodes reported: 3 (n1 on a) + 4 (n2 on b), not either one alone
    expect(s.points.map((p) => p.activeConnections)).toContain(7);
    expect(s.points.every((p) => p.activeConnections === null || p.activeConnections <= 7)).toBe(true);
  });
});
