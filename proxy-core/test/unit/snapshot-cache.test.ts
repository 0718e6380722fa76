// SnapshotCache on a real temporary directory: the file round-trips, only the latest queued snapshot is written,
// an unchanged one is not rewritten, anything wrong with the file is reported (never thrown), a failed write is
// logged, and temp files of dead writers are removed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CACHE_FILE, SnapshotCache, versionLabel } from "../../src/xds/snapshot-cache";
import { SILENT_LOG, type Log } from "../../src/log/logger";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-cache-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `d${++n}`);

function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return { ...SILENT_LOG, lines, warn: (m: string) => lines.push(`warn ${m}`), debug: (m: string) => lines.push(`debug ${m}`) };
}

const resources = (marker: string) => ({ listeners: [], clusters: [{ name: marker, connect_timeout: "1s" }] });

describe("SnapshotCache", () => {
  it("writes a snapshot and reads it back; a missing file is 'none'", async () => {
    const dir = freshDir();
    const cache = new SnapshotCache(dir);
    expect(cache.load()).toEqual({ kind: "none" });
    cache.save({ versionId: "id-7", number: 7, resources: resources("a") });
    await cache.flush();
    const loaded = new SnapshotCache(dir).load();
    expect(loaded).toMatchObject({ kind: "ok", snapshot: { versionId: "id-7", number: 7, resources: resources("a"), hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) } });
    expect(fs.readdirSync(dir)).toEqual([CACHE_FILE]);
    expect(fs.statSync(path.join(dir, CACHE_FILE)).mode & 0o777).toBe(0o600);
  });

  it("writes only the latest of snapshots queued meanwhile, and does not rewrite an unchanged one", async () => {
    const dir = freshDir();
    const log = recordingLog();
    const cache = new SnapshotCache(dir, log);
    for (let i = 1; i <= 5; i++) cache.save({ versionId: `id-${i}`, number: i, resources: resources(`r${i}`) });
    await cache.flush();
    // the first write started at once; 2-4 were superseded by 5 before their turn
    expect(log.lines.filter((l) => l.startsWith("debug cached"))).toEqual([`debug cached version v1 in ${path.join(dir, CACHE_FILE)}`, `debug cached version v5 in ${path.join(dir, CACHE_FILE)}`]);
    const inode = fs.statSync(path.join(dir, CACHE_FILE)).ino;
    cache.save({ versionId: "id-5", number: 5, resources: resources("r5") });
    await cache.flush();
    expect(fs.statSync(path.join(dir, CACHE_FILE)).ino).toBe(inode);
    expect(new SnapshotCache(dir).load()).toMatchObject({ kind: "ok", snapshot: { versionId: "id-5" } });
  });

  it("reports a file it cannot use, with the reason", () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    const file = path.join(dir, CACHE_FILE);
    const cache = new SnapshotCache(dir);
    const write = (doc: unknown) => fs.writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
    write('{"format":1,"versio');
    expect(cache.load()).toEqual({ kind: "unusable", reason: "not JSON (a truncated or overwritten file)" });
    write({ format: 2, versionId: "x" });
    expect(cache.load()).toEqual({ kind: "unusable", reason: "format 2, this build reads format 1" });
    write({ format: 1, number: 1, hash: "sha256:" + "0".repeat(64), writtenAt: "", resources: {} });
    expect(cache.load()).toMatchObject({ kind: "unusable", reason: expect.stringMatching(/^versionId: /) });
    write({ format: 1, versionId: "x", number: 1, hash: "sha256:" + "0".repeat(64), writtenAt: "", resources: {} });
    expect(cache.load()).toEqual({ kind: "unusable", reason: "its resources do not match its hash" });
    fs.rmSync(file);
    fs.mkdirSync(file);
    expect(cache.load()).toMatchObject({ kind: "unusable", reason: expect.stringContaining("EISDIR") });
  });

  it("logs a write it cannot make and keeps going", async () => {
    const blocker = path.join(root, "a-file");
    fs.writeFileSync(blocker, "");
    const log = recordingLog();
    const cache = new SnapshotCache(path.join(blocker, "cache"), log);
    cache.save({ versionId: "id-1", number: null, resources: resources("a") });
    await cache.flush();
    expect(log.lines.filter((l) => l.startsWith("warn"))).toEqual([`warn cannot write the snapshot cache ${path.join(blocker, "cache", CACHE_FILE)}: ENOTDIR`]);
  });

  it("removes the temp files of writers that died mid-write, not those of live ones", () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    const live = process.ppid;
    fs.writeFileSync(path.join(dir, `.${CACHE_FILE}.${dead}.tmp`), "half");
    fs.writeFileSync(path.join(dir, `.${CACHE_FILE}.${live}.tmp`), "being written");
    expect(new SnapshotCache(dir).load()).toEqual({ kind: "none" });
    expect(fs.readdirSync(dir)).toEqual([`.${CACHE_FILE}.${live}.tmp`]);
  });

  it("labels a version by its number, else its id", () => {
    expect(versionLabel({ versionId: "abc", number: 3 })).toBe("v3");
    expect(versionLabel({ versionId: "abc", number: null })).toBe("abc");
  });
});
