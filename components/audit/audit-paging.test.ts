import { describe, expect, it } from "vitest";
import { mergePages, nextBefore } from "./audit-paging";

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0, ms)).toISOString();
const entry = (id: string, ms: number) => ({ id, at: at(ms) });

describe("audit paging", () => {
  it("asks for the next page up to and including the last entry's millisecond", () => {
    const page = [entry("5", 900), entry("4", 800), entry("3", 700)];
    expect(nextBefore(page, 3, undefined)).toBe(at(701));
    // a short page is the end of the trail
    expect(nextBefore(page.slice(0, 2), 3, undefined)).toBeUndefined();
    expect(nextBefore([], 3, undefined)).toBeUndefined();
  });

  it("moves on when a whole page shares one millisecond", () => {
    const same = [entry("9", 500), entry("8", 500), entry("7", 500)];
    expect(nextBefore(same, 3, at(501))).toBe(at(500));
  });

  it("shows entries split across two pages once, in order", () => {
    // entries 3 and 2 share a millisecond; the first page ended at 3, the overlap read starts again at it
    const first = [entry("5", 900), entry("4", 800), entry("3", 700)];
    const second = [entry("3", 700), entry("2", 700), entry("1", 100)];
    expect(mergePages([first, second]).map((e) => e.id)).toEqual(["5", "4", "3", "2", "1"]);
  });
});
