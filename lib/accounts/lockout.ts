// Per-account lock on password sign-in: 5 failures within 15 minutes lock that email's password sign-in for
// 15 minutes, whatever address the attempts come from (better-auth's rateLimit covers the per-address side).
// Kept in memory: one console process serves the database, and a restart forgetting the count is acceptable.
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;

interface Entry { failures: number[]; lockedUntil: number }
const KEY = Symbol.for("signalbox.loginLockout");

function table(): Map<string, Entry> {
  const g = globalThis as unknown as Record<symbol, Map<string, Entry> | undefined>;
  return (g[KEY] ??= new Map());
}

const keyOf = (email: string) => email.trim().toLowerCase();

/** Milliseconds the account's password sign-in stays locked, 0 when it is not. */
export function lockedFor(email: string, now = Date.now()): number {
  const e = table().get(keyOf(email));
  return e && e.lockedUntil > now ? e.lockedUntil - now : 0;
}

/** Counts a failed sign-in; returns whether it locked the account. */
export function recordFailure(email: string, now = Date.now()): boolean {
  const t = table();
  const e = t.get(keyOf(email)) ?? { failures: [], lockedUntil: 0 };
  e.failures = [...e.failures.filter((at) => now - at < WINDOW_MS), now];
  let locked = false;
  if (e.failures.length >= MAX_FAILURES) {
    e.lockedUntil = now + LOCK_MS;
    e.failures = [];
    locked = true;
  }
  t.set(keyOf(email), e);
  return locked;
}

export function clearFailures(email: string): void {
  table().delete(keyOf(email));
}
