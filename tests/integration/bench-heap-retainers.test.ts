// bench/lib/heap-retainers.ts on a real heap snapshot: a Node process holds 200,000 small objects through one
// holder behind a global, while another global also points at the same array through a WeakRef; it writes its
// snapshot with v8.writeHeapSnapshot in a later job (a WeakRef's target is strong only during the job that made
// it). The analysis must give the holder everything it alone keeps alive (the weak reference retains nothing,
// as in DevTools), with the path that keeps it.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyseHeapSnapshot } from "../../bench/lib/heap-retainers";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "heap-retainers-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const SCRIPT = `
class StrongHolder { constructor(n) { this.items = Array.from({ length: n }, (_, i) => ({ i, s: "strong-" + i })); } }
class Watcher { constructor(target) { this.ref = new WeakRef(target); } }
globalThis.keep = new StrongHolder(200000);
globalThis.watcher = new Watcher(globalThis.keep.items);
setTimeout(() => require("v8").writeHeapSnapshot(process.argv[1]), 10);
`;

describe("heap retainers", () => {
  it("ranks constructors by retained size over the dominator tree, weak edges retaining nothing", () => {
    const file = path.join(dir, "probe.heapsnapshot");
    const r = spawnSync(process.execPath, ["-e", SCRIPT, file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const s = analyseHeapSnapshot(file, 10);
    expect(s.nodes).toBeGreaterThan(200_000);

    const strong = s.top.find((c) => c.name === "StrongHolder");
    expect(strong, s.top.map((c) => c.name).join(", ")).toBeDefined();
    expect(strong!.count).toBe(1);
    // 200,000 objects with a number and a string each, all of it behind the one holder (were the WeakRef's edge
    // counted, the array would have two retainers and be dominated by neither)
    expect(strong!.retainedBytes).toBeGreaterThan(8e6);
    expect(strong!.largest.retainedBytes).toBe(strong!.retainedBytes);
    expect(strong!.largest.path).toMatch(/\.keep → StrongHolder$/);
    expect(s.totalBytes).toBeGreaterThan(strong!.retainedBytes);
    // the watcher keeps nothing alive but itself and its WeakRef
    const watcher = analyseHeapSnapshot(file, 1000).top.find((c) => c.name === "Watcher");
    expect(watcher!.retainedBytes).toBeLessThan(1000);
  });
});
