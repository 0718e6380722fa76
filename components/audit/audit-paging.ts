// "Load more" over GET /api/audit?before=: the trail is read newest first, and `before` keeps entries strictly
// older than a time. Several entries can share a millisecond (a publish and what it triggers), so cutting at the
// last entry's time could skip the rest of its millisecond: the next page asks for entries up to and including it
// (before = its time + 1 ms), and entries already shown are dropped by id.
import type { AuditEntry } from "@/lib/contract/audit";

/**
 * The `before` of the page after `last` (ISO time), or undefined when `last` was the end of the trail. `previous`
 * is the `before` `last` was read with: when a whole page shares one millisecond the cursor would not move, so it
 * cuts at that millisecond instead (skipping the rest of it rather than asking for the same page forever).
 */
export function nextBefore(last: readonly Pick<AuditEntry, "at">[], pageSize: number, previous: string | undefined): string | undefined {
  if (last.length < pageSize || last.length === 0) return undefined;
  const lastAt = Date.parse(last[last.length - 1].at);
  const overlap = new Date(lastAt + 1).toISOString();
  return overlap === previous ? new Date(lastAt).toISOString() : overlap;
}

/** The pages as one list, newest first, each entry once. */
export function mergePages<E extends Pick<AuditEntry, "id">>(pages: readonly (readonly E[])[]): E[] {
  const seen = new Set<string>();
  const out: E[] = [];
  for (const page of pages)
    for (const e of page) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      out.push(e);
    }
  return out;
}
