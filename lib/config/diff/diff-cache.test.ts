// The diff cache on its own: least recently used first out, one computation shared by concurrent askers, a
// failed one forgotten, the synchronous reader (the guard) served what the endpoints computed.
import { beforeEach, describe, expect, it } from "vitest";
import type { ReadableChange } from "../../contract/diff";
import { CachedDiff, DIFF_CACHE_SIZE, cachedDiff, cachedDiffSync, diffsComputed, forgetDiffs, hashOnce } from "./diff-cache";

const change = (id: string): ReadableChange => ({
  kind: "route", id, label: id, group: "listener main", change: "changed", summary: `${id} changed`, fields: [], position: { before: 1, after: 1 },
  before: { name: id, timeout: "1s" }, after: { name: id, timeout: "2s" },
});
const computeOf = (id: string) => async () => [change(id)];

beforeEach(() => forgetDiffs());

describe("the diff cache", () => {
  it("keeps the last DIFF_CACHE_SIZE diffs by their two hashes, the least recently used first out", async () => {
    const n = diffsComputed();
    const first = await cachedDiff("h0", "h1", computeOf("a"));
    for (let i = 2; i <= DIFF_CACHE_SIZE; i++) await cachedDiff("h0", `h${i}`, computeOf(`c${i}`));
    expect(diffsComputed() - n).toBe(DIFF_CACHE_SIZE);
    // h0→h1 asked again: found (the same object), and now the most recent
    expect(await cachedDiff("h0", "h1", computeOf("other"))).toBe(first);
    // the direction counts: h1→h0 is another diff
    expect((await cachedDiff("h1", "h0", computeOf("back"))).changes[0].id).toBe("back");
    expect(diffsComputed() - n).toBe(DIFF_CACHE_SIZE + 1);
    // that evicted h0→h2, the least recently used, and kept h0→h1
    expect((await cachedDiff("h0", "h2", computeOf("again"))).changes[0].id).toBe("again");
    expect(await cachedDiff("h0", "h1", computeOf("other"))).toBe(first);
    expect(diffsComputed() - n).toBe(DIFF_CACHE_SIZE + 2);
  });

  it("computes once for those who ask while it computes, and forgets a computation that failed", async () => {
    const n = diffsComputed();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = async () => {
      await gate;
      return [change("slow")];
    };
    const [p1, p2] = [cachedDiff("x", "y", slow), cachedDiff("x", "y", computeOf("second"))];
    release();
    expect(await p1).toBe(await p2);
    expect(diffsComputed() - n).toBe(1);

    await expect(cachedDiff("x", "z", async () => Promise.reject(new Error("no snapshot")))).rejects.toThrow("no snapshot");
    expect((await cachedDiff("x", "z", computeOf("ok"))).changes[0].id).toBe("ok");
  });

  it("serves a synchronous reader what an asynchronous one computed, and the other way round", async () => {
    const made = await cachedDiff("p", "q", computeOf("async"));
    const n = diffsComputed();
    expect(cachedDiffSync("p", "q", () => [change("sync")])).toBe(made);
    const sync = cachedDiffSync("q", "r", () => [change("sync")]);
    expect(await cachedDiff("q", "r", computeOf("async"))).toBe(sync);
    expect(diffsComputed() - n).toBe(1);
  });

  it("lists the changes without their sides, made once, and finds one change with its sides by id", () => {
    const d = new CachedDiff([change("a"), change("b")]);
    const lean = d.summaries();
    expect(lean.map((c) => Object.keys(c).sort())).toEqual([0, 1].map(() => ["change", "fields", "group", "id", "kind", "label", "position", "summary"]));
    expect(d.summaries()).toBe(lean);
    expect(d.change("b")).toEqual(change("b"));
    expect(d.change("nope")).toBeUndefined();
    // the kept changes keep their sides
    expect(d.changes[0].before).toEqual({ name: "a", timeout: "1s" });
  });

  it("hashes an object once (the draft rows stand for one content while they are kept)", () => {
    const rows = {};
    let calls = 0;
    const hash = () => `h${++calls}`;
    expect(hashOnce(rows, hash)).toBe("h1");
    expect(hashOnce(rows, hash)).toBe("h1");
    expect(hashOnce({}, hash)).toBe("h2");
  });
});
