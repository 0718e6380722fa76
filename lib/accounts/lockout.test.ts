import { describe, expect, it } from "vitest";
import { LOCK_MS, MAX_FAILURES, WINDOW_MS, clearFailures, lockedFor, recordFailure } from "./lockout";

describe("per-account sign-in lockout", () => {
  it("locks after 5 failures within 15 minutes, for 15 minutes, whatever the email's case", () => {
    const t0 = 1_000_000;
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect(recordFailure("Lock@Example.test", t0 + i)).toBe(false);
    expect(lockedFor("lock@example.test", t0 + 10)).toBe(0);
    expect(recordFailure("lock@example.test", t0 + 10)).toBe(true);
    expect(lockedFor("LOCK@example.test", t0 + 10)).toBe(LOCK_MS);
    expect(lockedFor("lock@example.test", t0 + 10 + LOCK_MS)).toBe(0);
    expect(lockedFor("other@example.test", t0 + 10)).toBe(0);
  });

  it("forgets failures older than the window, and all of them after a success", () => {
    const t0 = 5_000_000;
    for (let i = 0; i < MAX_FAILURES - 1; i++) recordFailure("slow@example.test", t0 + i);
    // the fifth failure comes after the first four left the window: no lock
    expect(recordFailure("slow@example.test", t0 + WINDOW_MS + 10)).toBe(false);
    for (let i = 0; i < MAX_FAILURES - 1; i++) recordFailure("reset@example.test", t0 + i);
    clearFailures("reset@example.test");
    expect(recordFailure("reset@example.test", t0 + 20)).toBe(false);
  });
});
