// The two diffs the console serves, in one shape (ConfigDiff): the draft against the live version
// (GET /api/draft/diff, the Review drawer) and one version against another (GET /api/versions/{id}/diff,
// the Versions page and the rollback dialog). Both sides are snapshots {listeners, clusters}; both renderings
// (readable changes and the unified text) come from lib/config/diff.ts.
import type { z } from "zod";
import type { ConfigDiff, DiffSide } from "../../contract/diff";
import { notFound } from "../../errors";
import { getDraftRows } from "../draft-read";
import { getLiveVersionId } from "../../repos/live-state-repo";
import { getVersion, type Version } from "../../repos/version-repo";
import { hashResources } from "../canonical";
import { unifiedDiff } from "../diff";
import { composeResources, type Resources } from "../draft-mapper";
import { readableDiff } from "./readable";
import { currentEnvironment } from "../../environment/scope";

const EMPTY: Resources = { listeners: [], clusters: [] };
/** The text diff is one click away and the readable changes are complete: it may not hold the answer up. */
const UNIFIED_TIMEOUT_MS = 1500;

const versionSide = (v: Version): DiffSide => ({ kind: "version", id: v.id, number: v.number, hash: v.hash, label: `v${v.number}` });

/**
 * Past this many changes the text diff is not attempted: it would be a hundred thousand lines nobody reads, and
 * rendering both sides as YAML and diffing them costs seconds the Review drawer would wait for.
 */
const UNIFIED_MAX_CHANGES = 2000;

export function configDiff(from: DiffSide, to: DiffSide, a: Resources, b: Resources): z.input<typeof ConfigDiff> {
  const identical = from.hash === to.hash;
  const changes = identical ? [] : readableDiff(a, b);
  const unified = identical
    ? ""
    : changes.length > UNIFIED_MAX_CHANGES
      ? `--- ${from.label}\n+++ ${to.label}\n@@ ${changes.length} changes are too many for a text diff (it is made for up to ${UNIFIED_MAX_CHANGES}): the changes above list every difference @@\n`
      : unifiedDiff(from.label, to.label, a, b, UNIFIED_TIMEOUT_MS);
  return { from, to, identical, changes, unified };
}

/** The draft against the live version (against nothing when no version was published yet). */
export async function diffDraft(): Promise<z.input<typeof ConfigDiff>> {
  const env = currentEnvironment();
  const [rows, liveId] = await Promise.all([getDraftRows(), getLiveVersionId(env)]);
  const live = liveId ? await getVersion(liveId) : null;
  const draft = composeResources(rows);
  const from: DiffSide = live ? { ...versionSide(live), label: `v${live.number} (live)` } : { kind: "empty", id: null, number: null, hash: hashResources(EMPTY), label: "nothing published" };
  const to: DiffSide = { kind: "draft", id: null, number: null, hash: hashResources(draft), label: "draft" };
  return configDiff(from, to, live?.snapshot ?? EMPTY, draft);
}

/** Version `fromId` → version `toId`. 404 names the version that does not exist. */
export async function diffVersionPair(fromId: string, toId: string): Promise<z.input<typeof ConfigDiff>> {
  const [a, b] = await Promise.all([getVersion(fromId), getVersion(toId)]);
  if (!a) throw notFound(`version ${fromId} not found`);
  if (!b) throw notFound(`version ${toId} not found`);
  return configDiff(versionSide(a), versionSide(b), a.snapshot, b.snapshot);
}
