import { describe, expect, it } from "vitest";
import { nextFocusIndex } from "./focus-trap";

describe("nextFocusIndex (Tab inside a modal layer)", () => {
  it("steps forward and wraps from the last control to the first", () => {
    expect(nextFocusIndex(3, 0, false)).toBe(1);
    expect(nextFocusIndex(3, 1, false)).toBe(2);
    expect(nextFocusIndex(3, 2, false)).toBe(0);
  });

  it("steps backward with Shift+Tab and wraps from the first control to the last", () => {
    expect(nextFocusIndex(3, 2, true)).toBe(1);
    expect(nextFocusIndex(3, 0, true)).toBe(2);
  });

  it("enters at the first control (Tab) or the last (Shift+Tab) when none of them has focus", () => {
    expect(nextFocusIndex(4, -1, false)).toBe(0);
    expect(nextFocusIndex(4, -1, true)).toBe(3);
    // focus on something that is no longer among the controls (it was disabled meanwhile)
    expect(nextFocusIndex(2, 5, false)).toBe(0);
  });

  it("stays on a lone control, and answers -1 when there is nothing to focus", () => {
    expect(nextFocusIndex(1, 0, false)).toBe(0);
    expect(nextFocusIndex(1, 0, true)).toBe(0);
    expect(nextFocusIndex(0, -1, false)).toBe(-1);
    expect(nextFocusIndex(0, -1, true)).toBe(-1);
  });
});
