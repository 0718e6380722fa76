// The event log over a real SQLite file and the real IdBlock reservations: two logs (two replicas) number from
// ranges that never overlap, reserve the next range ahead of need, make events wait (in order) when no id is left
// rather than number them twice, and follow arrivals by `seq`, not by id.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../db";
import { migrate } from "../migrate";
import { insertEvents, listEvents, maxEventId } from "../repos/event-repo";
import { reserveIds } from "../repos/id-block-repo";
import { EventLog, ID_BLOCK } from "./event-log";

let dir: string;
const logs: EventLog[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-eventlog-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + path.join(dir, "e.db");
  await migrate("deploy", undefined, { log: () => {} });
});

afterAll(async () => {
  for (const l of logs) await l.stop();
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An event log on the real tables; `gate` holds its reservations back while set. */
function makeLog(reserved: number[] = [], gate?: { wait: Promise<void> | null }): EventLog {
  const l = new EventLog({
    insert: (e) => insertEvents(e),
    reserve: async (n) => {
      if (gate?.wait) await gate.wait;
      const first = await reserveIds("event", n, async () => (await maxEventId()) + 1);
      reserved.push(first);
      return first;
    },
  });
  logs.push(l);
  return l;
}

const ev = (kind: string, node = "n") => ({ ts: Date.now(), node, kind, details: {} });

describe("event log", () => {
  it("two logs number from separate ranges; the table gets each event once", async () => {
    const a = makeLog();
    const b = makeLog();
    await a.start();
    await b.start();
    for (let i = 0; i < 5; i++) {
      a.record(ev("health_flip", "a"));
      b.record(ev("health_flip", "b"));
    }
    const ids = [...a.recent(), ...b.recent()].map((e) => e.id);
    expect(new Set(ids).size).toBe(10);
    expect(Math.min(...b.recent().map((e) => e.id)) - Math.min(...a.recent().map((e) => e.id))).toBe(ID_BLOCK);
    await a.flush();
    await b.flush();
    expect((await listEvents({ limit: 100, kind: "health_flip" })).map((e) => e.id).sort((x, y) => x - y)).toEqual(ids.sort((x, y) => x - y));
  });

  it("reserves the next range ahead of need, and makes events wait for it rather than reuse an id", async () => {
    const reserved: number[] = [];
    const gate: { wait: Promise<void> | null } = { wait: null };
    const l = makeLog(reserved, gate);
    await l.start();
    expect(reserved).toHaveLength(1);
    // three quarters of the range go without a reservation; the next one starts before the range runs out
    for (let i = 0; i < ID_BLOCK * 0.75 - 1; i++) l.record(ev("outlier_ejection"));
    expect(reserved).toHaveLength(1);
    let open!: () => void;
    gate.wait = new Promise<void>((r) => (open = r));
    l.record(ev("outlier_ejection"));
    // the refill is held: the rest of the range is used, then events wait
    for (let i = 0; i < ID_BLOCK / 4 + 3; i++) l.record(ev("outlier_ejection", `late-${i}`));
    expect(l.seq).toBe(ID_BLOCK);
    expect(l.recent(1)[0].node).toBe(`late-${ID_BLOCK / 4 - 1}`);
    gate.wait = null;
    open();
    await l.flush();
    expect(reserved).toHaveLength(2);
    // the waiting three got numbers from the new range, in the order they were recorded
    const waited = l.recent(3).reverse();
    const q = ID_BLOCK / 4;
    expect(waited.map((e) => e.node)).toEqual([`late-${q}`, `late-${q + 1}`, `late-${q + 2}`]);
    expect(waited.map((e) => e.id)).toEqual([reserved[1], reserved[1] + 1, reserved[1] + 2]);
    const all = await listEvents({ limit: 5000, kind: "outlier_ejection" });
    expect(all).toHaveLength(ID_BLOCK + 3);
    expect(new Set(all.map((e) => e.id)).size).toBe(ID_BLOCK + 3);
  });

  it("follows arrivals by seq: another replica's events (higher ids) and later own ones (lower ids) each come once", async () => {
    const l = makeLog();
    await l.start();
    const start = l.seq;
    l.addRemote([{ id: 9_000_001, ts: 1, node: "far", kind: "connected", cluster: null, details: {} }]);
    l.record(ev("nack", "near"));
    const first = l.since(start);
    expect(first.map((e) => e.node)).toEqual(["far", "near"]);
    expect(first[1].id).toBeLessThan(first[0].id);
    const mark = l.seq;
    // the same remote event read again is not a new arrival; a new one is
    l.addRemote([{ id: 9_000_001, ts: 1, node: "far", kind: "connected", cluster: null, details: {} }, { id: 9_000_002, ts: 2, node: "far", kind: "disconnected", cluster: null, details: {} }]);
    expect(l.since(mark).map((e) => e.id)).toEqual([9_000_002]);
    // remote events are the other replica's to write: the table has only this log's own
    await l.flush();
    expect((await listEvents({ limit: 10, node: "far" })).length).toBe(0);
    expect(l.takeShared().map((e) => e.node)).toEqual(["near"]);
    expect(l.takeShared()).toEqual([]);
  });
});
