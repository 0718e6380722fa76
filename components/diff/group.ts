// The readable changes grouped as the diff view shows them: one group per listener or cluster, in the order
// the server listed them, and a count in words ("3 routes, 1 endpoint").
import type { ReadableChangeSummary } from "@/lib/contract/diff";

/** Beyond this many changes the groups start collapsed and render their rows only when opened. */
export const COLLAPSE_ABOVE = 200;
/** Rows a group renders before a "Show more" button. */
export const ROWS_PER_PAGE = 200;

export interface ChangeGroup { group: string; changes: ReadableChangeSummary[] }

export function groupChanges(changes: ReadableChangeSummary[]): ChangeGroup[] {
  const byGroup = new Map<string, ReadableChangeSummary[]>();
  for (const c of changes) {
    const list = byGroup.get(c.group);
    if (list) list.push(c);
    else byGroup.set(c.group, [c]);
  }
  return [...byGroup].map(([group, list]) => ({ group, changes: list }));
}

const PLURAL: Record<ReadableChangeSummary["kind"], [string, string]> = {
  listener: ["listener", "listeners"],
  virtual_host: ["virtual host", "virtual hosts"],
  route: ["route", "routes"],
  cluster: ["cluster", "clusters"],
  endpoint: ["endpoint", "endpoints"],
  circuit_breaker: ["circuit-breaker setting", "circuit-breaker settings"],
};

/** "3 routes, 1 endpoint" (kinds in a fixed order). */
export function countText(changes: ReadableChangeSummary[]): string {
  const n = new Map<ReadableChangeSummary["kind"], number>();
  for (const c of changes) n.set(c.kind, (n.get(c.kind) ?? 0) + 1);
  return (Object.keys(PLURAL) as ReadableChangeSummary["kind"][])
    .filter((k) => n.has(k))
    .map((k) => `${n.get(k)} ${PLURAL[k][n.get(k) === 1 ? 0 : 1]}`)
    .join(", ");
}
