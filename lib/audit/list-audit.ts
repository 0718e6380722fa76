// GET /api/audit: the trail, newest first, each entry in words (describe.ts) with what it changed. `actor` and
// `action` narrow the read in SQL; `q` is matched against the words, so entries are read in batches until
// `limit` of them match (or the trail ends). A publish, rollback or promotion lists its version's diff against
// the one before it; working those out is bounded per answer (DIFF_BUDGET_MS) and remembered, so an entry
// answered with `moreChanges: null` has its changes on the next read.
import type { z } from "zod";
import type { AuditEntry, AuditQuery } from "../contract/audit";
import { listAudit, type AuditEntry as StoredRow } from "../repos/audit-repo";
import { routePlaces } from "../repos/draft-repo";
import { getVersionSummary, type VersionSummary } from "../repos/version-repo";
import { describeAudit, queryWords, searchText, type DescribeContext, type Described } from "./describe";
import { cachedVersionChanges, versionChanges } from "./version-changes";

/** Rows read per batch while `q` filters (at least `limit`). */
const BATCH = 200;
/** Time a read may spend diffing versions it has not diffed before. */
const DIFF_BUDGET_MS = 1500;

type Out = z.input<typeof AuditEntry>;

/** Versions and routes the rows name, read once per batch. */
async function contextFor(rows: StoredRow[]): Promise<DescribeContext> {
  const versionIds = new Set<string>();
  const routeIds: string[] = [];
  for (const r of rows) {
    if (r.target.startsWith("route:")) routeIds.push(r.target.slice("route:".length));
    else if (r.target !== "draft") versionIds.add(r.target);
    const d = r.details as Record<string, unknown> | null;
    for (const k of ["promotedFrom", "rollbackOf"]) if (typeof d?.[k] === "string") versionIds.add(d[k] as string);
  }
  const [versions, routes] = await Promise.all([
    Promise.all([...versionIds].map((id) => getVersionSummary(id))),
    routePlaces([...new Set(routeIds)]),
  ]);
  const byId = new Map(versions.filter((v): v is VersionSummary => v !== null).map((v) => [v.id, v]));
  return { version: (id) => byId.get(id), route: (id) => routes.get(id) };
}

export async function listAuditEntries(query: AuditQuery): Promise<Out[]> {
  const words = queryWords(query.q);
  const filter = { actor: query.actor, action: query.action };
  const found: { row: StoredRow; words: Described }[] = [];
  const batch = words.length ? Math.max(BATCH, query.limit) : query.limit;
  let after: StoredRow | undefined;
  for (;;) {
    const rows = await listAudit({ ...filter, limit: batch, before: query.before, after: after && { at: after.at, id: after.id } });
    const ctx = await contextFor(rows);
    for (const row of rows) {
      const w = describeAudit(row, ctx);
      if (words.every((word) => searchText(row, w).includes(word))) found.push({ row, words: w });
      if (found.length === query.limit) break;
    }
    if (found.length === query.limit || rows.length < batch) break;
    after = rows[rows.length - 1];
  }
  const started = Date.now();
  const out: Out[] = [];
  for (const { row, words: w } of found) {
    let changes = w.changes;
    let more = w.moreChanges;
    if (w.diffOf) {
      const diff = cachedVersionChanges(w.diffOf) ?? (Date.now() - started < DIFF_BUDGET_MS ? await versionChanges(w.diffOf) : undefined);
      changes = diff?.changes ?? [];
      more = diff ? diff.more : null;
    }
    out.push({
      id: row.id, at: row.at, actor: row.actor, actorKind: row.actorKind, source: row.source, action: row.action, target: row.target,
      targetLabel: w.targetLabel, summary: w.summary, environment: w.environment, version: w.version,
      changes, moreChanges: more, details: row.details,
    });
  }
  return out;
}
