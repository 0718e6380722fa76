// Console replicas sharing a database show each other's traffic and events through the LiveFrame table. Once a
// second (WRITE_AT_MS after the second ends) each replica writes a row per finished second with the frames of the
// nodes it holds, plus the events it recorded and the cluster reports it received since its previous row; a little
// later (READ_AT_MS) it reads the rows the others wrote since it last saw them, in one query on the `t` index, and
// merges them: frames into the live window (so the live channel, the node, route and cluster views and the publish
// guard see every node), events into the feed, cluster reports into the cluster views. Nothing read here reaches
// this replica's rollups: each replica rolls up only what its own workers sent, and reads add the rows up.
//
// Alone (SQLite, or no other replica heard of for ACTIVE_MS) a replica writes no frames, only a small presence row
// every PRESENCE_MS, and reads every IDLE_READ_MS to notice another one starting: a few tiny statements a minute.
// Rows older than KEEP_MS are pruned.
import { z } from "zod";
import { ClusterReport } from "../../proxy-core/src/config/index";
import type { LiveFrameRow } from "../repos/live-frame-repo";
import type { ClusterReports } from "./cluster-reports";
import type { EventLog, EventRecord } from "./event-log";
import { emptyFrame, mergeInto, type Frame } from "./frame";
import type { LocalOutbox } from "./ingest";
import { WINDOW_SECONDS, type LiveWindow } from "./live-window";
import { ROLLUP_STEPS } from "./rollups";

/** when a second's row is written, after the second ends (reports handled in its last milliseconds are in it) */
export const WRITE_AT_MS = 50;
/** when the others' rows are read: after they wrote theirs (clocks of the replicas' hosts a little apart) */
export const READ_AT_MS = 300;
/** another replica counts as running while its rows keep coming (it writes at least every PRESENCE_MS) */
const ACTIVE_MS = 15_000;
const PRESENCE_MS = 5_000;
const IDLE_READ_MS = 2_000;
/** how far back a read looks for rows of a replica not followed yet (a row written a little late) */
const LOOKBACK_MS = 4_000;
const FIRST_LOOKBACK_MS = PRESENCE_MS * 2;
const KEEP_MS = 60_000;
const PRUNE_EVERY_MS = 10_000;
/** what waits for the next row at most: seconds of frames, cluster reports, events */
const MAX_SECONDS = 10;
const MAX_REPORTS = 2_000;
const MAX_EVENTS = 5_000;

const Traffic = z.object({
  q: z.array(z.number()).length(6).optional(),
  l: z.object({ b: z.array(z.number()), n: z.number(), s: z.number(), m: z.number() }).optional(),
  o: z.number().optional(),
});
const FrameSchema = z.object({ d: Traffic, x: z.number().optional(), r: z.record(z.string(), z.record(z.string(), Traffic)), c: z.record(z.string(), Traffic) });
const RemoteEvent = z.object({ id: z.number().int(), ts: z.number(), node: z.string(), kind: z.string(), cluster: z.string().nullable(), details: z.record(z.string(), z.unknown()) });

/** One LiveFrame row's data: what one replica's own workers sent in the second `t`. */
export const LiveFrameData = z.object({
  /** node → its frame of the second */
  f: z.record(z.string(), FrameSchema),
  /** events the replica recorded since its previous row */
  e: z.array(RemoteEvent).optional(),
  /** cluster reports its workers sent since its previous row */
  c: z.array(z.object({ node: z.string(), ts: z.number(), clusters: z.array(ClusterReport) })).optional(),
  /** its rollups' unpersistedSince per ROLLUP_STEPS (null: all written): where reads switch to memory */
  u: z.array(z.number().nullable()).length(ROLLUP_STEPS.length),
});
export type LiveFrameData = z.infer<typeof LiveFrameData>;

export interface FrameExchangeStore {
  insert(rows: LiveFrameRow[]): Promise<void>;
  /** other replicas' rows with `t > after`, oldest first */
  after(after: number, exceptReplica: string): Promise<LiveFrameRow[]>;
  prune(before: number): Promise<number>;
}

export interface ExchangeParts {
  /** this process's replica id */
  replica: string;
  window: LiveWindow;
  events: EventLog;
  clusters: ClusterReports;
  /** whether this replica holds the node's session now */
  holds: (node: string) => boolean;
  /** this replica's rollups: the oldest bucket of `step` not written yet */
  unpersistedSince: (step: number) => number;
  now: () => number;
  log: (m: string) => void;
}

interface Remote {
  /** `t` of its newest row merged */
  cursor: number;
  /** when (this replica's clock) its last row was read */
  seenAt: number;
  u: (number | null)[];
  /** nodes it sent cluster reports of */
  nodes: Set<string>;
}

export class FrameExchange implements LocalOutbox {
  readonly #seconds = new Map<number, Map<string, Frame>>();
  #reports: NonNullable<LiveFrameData["c"]> = [];
  #events: EventRecord[] = [];
  readonly #remotes = new Map<string, Remote>();
  #lastT = -Infinity;
  #lastWriteAt = -Infinity;
  #lastReadAt: number | null = null;
  #lastPruneAt = -Infinity;
  #timer: NodeJS.Timeout | null = null;
  #cycle: Promise<void> | null = null;
  #stopped = false;

  constructor(
    private readonly store: FrameExchangeStore,
    private readonly p: ExchangeParts,
  ) {}

  /** Writes, reads and prunes on a timer aligned to the seconds. */
  start() {
    this.#stopped = false;
    this.#schedule(WRITE_AT_MS, () => this.#run());
  }

  async stop() {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#cycle;
  }

  /** Whether another replica's rows came in the last ACTIVE_MS. */
  othersActive(now = this.p.now()): boolean {
    for (const r of this.#remotes.values()) if (now - r.seenAt < ACTIVE_MS) return true;
    return false;
  }

  /** The oldest bucket of `step` a running replica has not written to its rollups yet (Infinity: none). */
  remoteUnpersistedSince(step: number): number {
    const i = ROLLUP_STEPS.indexOf(step as (typeof ROLLUP_STEPS)[number]);
    const now = this.p.now();
    let min = Infinity;
    for (const r of this.#remotes.values()) if (i >= 0 && now - r.seenAt < ACTIVE_MS) min = Math.min(min, r.u[i] ?? Infinity);
    return min;
  }

  frame(node: string, sec: number, frame: Frame) {
    if (!this.othersActive()) return;
    let s = this.#seconds.get(sec);
    if (!s) this.#seconds.set(sec, (s = new Map()));
    // a copy: the live window keeps adding the second's later reports into the frame it was given
    s.set(node, mergeInto(s.get(node) ?? emptyFrame(), frame));
  }

  clusterReport(node: string, msg: { ts: number; clusters: ClusterReport[] }) {
    if (!this.othersActive()) return;
    this.#reports.push({ node, ts: msg.ts, clusters: msg.clusters });
    if (this.#reports.length > MAX_REPORTS) this.#reports.splice(0, this.#reports.length - MAX_REPORTS);
  }

  /** Writes a row per finished second not written yet (or a presence row when one is due); answers how many. */
  async publish(): Promise<number> {
    const now = this.p.now();
    const last = Math.floor(now / 1000) - 1;
    const others = this.othersActive(now);
    const events = this.#events.concat(this.p.events.takeShared());
    this.#events = [];
    const reports = this.#reports;
    this.#reports = [];
    const u = ROLLUP_STEPS.map((step) => {
      const v = this.p.unpersistedSince(step);
      return Number.isFinite(v) ? v : null;
    });
    const rows: { t: number; data: LiveFrameData }[] = [];
    for (const sec of [...this.#seconds.keys()].sort((a, b) => a - b)) {
      if (sec > last) break;
      const frames = this.#seconds.get(sec)!;
      this.#seconds.delete(sec);
      // a row per second, in order: readers follow each replica by its rows' `t`
      if (others && sec * 1000 > this.#lastT && sec > last - MAX_SECONDS) rows.push({ t: sec * 1000, data: { f: Object.fromEntries(frames), u } });
    }
    if (others && (events.length || reports.length)) {
      if (rows.length === 0 && last * 1000 > this.#lastT) rows.push({ t: last * 1000, data: { f: {}, u } });
      const row = rows[rows.length - 1];
      if (row) {
        if (events.length) row.data.e = events;
        if (reports.length) row.data.c = reports;
      } else {
        // this second has its row already: they go with the next one
        this.#events = events.slice(-MAX_EVENTS);
        this.#reports = reports;
      }
    }
    if (rows.length === 0 && now - this.#lastWriteAt >= PRESENCE_MS && last * 1000 > this.#lastT) rows.push({ t: last * 1000, data: { f: {}, u } });
    if (rows.length === 0) return 0;
    try {
      await this.store.insert(rows.map((r) => ({ replica: this.p.replica, t: r.t, data: JSON.stringify(r.data) })));
      this.#lastT = rows[rows.length - 1].t;
      this.#lastWriteAt = now;
      return rows.length;
    } catch (e) {
      this.p.log(`writing live frames failed: ${(e as Error).message}`);
      // the traffic is in the rollups either way; the events are kept for the next row
      this.#events = rows.flatMap((r) => r.data.e ?? []).concat(this.#events).slice(-MAX_EVENTS);
      return 0;
    }
  }

  /** Reads the other replicas' rows not merged yet and merges them; answers how many. */
  async pull(): Promise<number> {
    const now = this.p.now();
    let after = this.#lastReadAt === null ? now - FIRST_LOOKBACK_MS : now - LOOKBACK_MS;
    // the replicas followed already need nothing older than their cursor: usually one row each
    const cursors = [...this.#remotes.values()].filter((r) => now - r.seenAt < ACTIVE_MS).map((r) => r.cursor);
    if (cursors.length) after = Math.max(after, Math.min(...cursors));
    const rows = await this.store.after(after, this.p.replica);
    this.#lastReadAt = now;
    let merged = 0;
    for (const row of rows) {
      const r = this.#remotes.get(row.replica);
      if (r && row.t <= r.cursor) continue;
      let data: LiveFrameData;
      try {
        const parsed = LiveFrameData.safeParse(JSON.parse(row.data));
        if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "invalid");
        data = parsed.data;
      } catch (e) {
        this.p.log(`skipped a live frame of replica ${row.replica} at ${row.t}: ${(e as Error).message}`);
        if (r) r.cursor = row.t;
        continue;
      }
      this.#merge(row.replica, row.t, data, now);
      merged++;
    }
    this.#forgetGone(now);
    return merged;
  }

  #merge(replica: string, t: number, data: LiveFrameData, now: number) {
    let r = this.#remotes.get(replica);
    if (!r) this.#remotes.set(replica, (r = { cursor: t, seenAt: now, u: data.u, nodes: new Set() }));
    r.cursor = t;
    r.seenAt = now;
    r.u = data.u;
    const sec = Math.floor(t / 1000);
    // a ring slot holds one second: a row older than the window must not overwrite a newer second
    if (sec > Math.floor(now / 1000) - WINDOW_SECONDS) for (const [node, frame] of Object.entries(data.f)) this.p.window.add(node, sec, frame);
    for (const c of data.c ?? []) {
      r.nodes.add(c.node);
      // the node's own replica is the one to believe: a node that moved here reports here
      if (!this.p.holds(c.node)) this.p.clusters.ingest(c.node, c);
    }
    if (data.e?.length) {
      this.p.events.addRemote(data.e);
      for (const e of data.e) {
        if (e.kind !== "disconnected" || this.p.holds(e.node)) continue;
        r.nodes.delete(e.node);
        this.p.clusters.forget(e.node);
      }
    }
  }

  /** A replica that stopped writing (killed): its nodes' cluster reports go, its rollup seam no longer counts. */
  #forgetGone(now: number) {
    for (const [id, r] of this.#remotes) {
      if (now - r.seenAt < ACTIVE_MS || r.nodes.size === 0) {
        if (now - r.seenAt > KEEP_MS) this.#remotes.delete(id);
        continue;
      }
      for (const node of r.nodes) if (!this.p.holds(node)) this.p.clusters.forget(node);
      r.nodes.clear();
    }
  }

  async prune(): Promise<number> {
    this.#lastPruneAt = this.p.now();
    return this.store.prune(this.#lastPruneAt - KEEP_MS);
  }

  #schedule(atMs: number, fn: () => Promise<void>) {
    if (this.#stopped) return;
    const wait = (1000 + atMs - (Date.now() % 1000)) % 1000 || 1000;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#cycle = fn().finally(() => (this.#cycle = null));
    }, wait);
    this.#timer.unref();
  }

  async #run() {
    try {
      await this.publish();
    } catch (e) {
      this.p.log(`live frame exchange: ${(e as Error).message}`);
    }
    this.#schedule(READ_AT_MS, () => this.#read());
  }

  async #read() {
    const now = this.p.now();
    try {
      if (this.othersActive(now) || this.#lastReadAt === null || now - this.#lastReadAt >= IDLE_READ_MS) await this.pull();
      if (now - this.#lastPruneAt >= PRUNE_EVERY_MS && (this.#lastWriteAt > this.#lastPruneAt || this.othersActive(now))) await this.prune();
    } catch (e) {
      this.p.log(`reading live frames failed: ${(e as Error).message}`);
    }
    this.#schedule(WRITE_AT_MS, () => this.#run());
  }
}
