// Id ranges on a real SQLite file: the first range starts after the ids already used, ranges follow each other,
// and four console-like processes reserving at the same time (separate node processes on one database file, as
// replicas would be) get ranges that never overlap and leave no hole.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../db";
import { migrate } from "../migrate";
import { insertEvents, maxEventId } from "./event-repo";
import { nextId, reserveIds } from "./id-block-repo";

let dir: string;
let url: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-idblock-"));
  url = "file:" + path.join(dir, "ids.db");
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = url;
  await migrate("deploy", undefined, { log: () => {} });
});

afterAll(async () => {
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A separate node process reserving `rounds` ranges of 1..13 ids one after the other from `startAt` (epoch ms): its [first, count] pairs. */
function reserveInChild(rounds: number, seed: number, startAt: number): Promise<[number, number][]> {
  const repoModule = pathToFileURL(path.join(import.meta.dirname, "id-block-repo.ts")).href;
  const code = `
    const { reserveIds } = await import(${JSON.stringify(repoModule)});
    await reserveIds("warm-up", 1, async () => 1);
    // every process starts at the same moment, so their statements interleave
    await new Promise((r) => setTimeout(r, Math.max(0, ${startAt} - Date.now())));
    const out = [];
    for (let i = 0; i < ${rounds}; i++) {
      const n = 1 + ((i * 7 + ${seed}) % 13);
      out.push([await reserveIds("event", n, async () => 1), n]);
    }
    console.log(JSON.stringify(out));
    process.exit(0);`;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { env: { ...process.env, DATABASE_URL: url }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe("id ranges", () => {
  it("starts after the ids already in use, then hands out consecutive ranges", async () => {
    await insertEvents([{ id: 41, ts: 1, node: "n", kind: "connected", cluster: null, details: {} }]);
    const floor = async () => (await maxEventId()) + 1;
    expect(await nextId("event")).toBeNull();
    expect(await reserveIds("event", 10, floor)).toBe(42);
    expect(await reserveIds("event", 3, floor)).toBe(52);
    expect(await nextId("event")).toBe(55);
    // the floor is asked only when the row is created
    expect(await reserveIds("event", 1, async () => 1_000_000)).toBe(55);
    // another sequence has its own numbers
    expect(await reserveIds("other", 5, async () => 1)).toBe(1);
    await expect(reserveIds("event", 0, floor)).rejects.toThrow(/positive integer/);
  });

  it("never hands out one id twice to processes reserving at the same time", async () => {
    const start = (await nextId("event"))!;
    const startAt = Date.now() + 6000;
    const results = await Promise.all([1, 2, 3, 4].map((seed) => reserveInChild(40, seed, startAt)));
    const ranges = results.flat().sort((x, y) => x[0] - y[0]);
    expect(ranges).toHaveLength(160);
    // sorted by first id, each range starts where the previous one ended: no overlap, no hole
    let expected = start;
    for (const [first, count] of ranges) {
      expect(first).toBe(expected);
      expected = first + count;
    }
    expect(await nextId("event")).toBe(expected);
  }, 60_000);
});
