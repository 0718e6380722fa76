// The two diffs the console serves, in one shape (ConfigDiff): the draft against the live version
// (GET /api/draft/diff, the Review drawer) and one version against another (GET /api/versions/{id}/diff,
// the Versions page and the rollback dialog). Both sides are snapshots {listeners, clusters}; both renderings
// (readable changes and the unified text) come from lib/config/diff.ts. Each answer comes whole, without the
// changes' sides (`?sides=0`), or as one change with its sides (`?change=<id>`), all from one readable diff
// kept by the hashes of its sides (diff-cache.ts): a pair's hashes are read first, its snapshots only to compute.
import type { z } from "zod";
import type { ConfigDiff, ConfigDiffSummary, DiffChange, DiffSide, ReadableChange } from "../../contract/diff";
import { notFound } from "../../errors";
import { readDraft } from "../draft-read";
import { getLiveVersionId } from "../../repos/live-state-repo";
import { getVersion, getVersionSummary, type VersionSummary } from "../../repos/version-repo";
import { hashResources } from "../canonical";
import { unifiedDiff } from "../diff";
import { composeResources, type Resources } from "../draft-mapper";
import { readableDiff, type Snapshot } from "./readable";
import { cachedDiff, cachedDiffSync, hashOnce, type CachedDiff } from "./diff-cache";
import { currentEnvironment } from "../../environment/scope";

const EMPTY: Resources = { listeners: [], clusters: [] };
/** The text diff is one click away and the readable changes are complete: it may not hold the answer up. */
const UNIFIED_TIMEOUT_MS = 1500;

const versionSide = (v: VersionSummary): DiffSide => ({ kind: "version", id: v.id, number: v.number, hash: v.hash, label: `v${v.number}` });

/**
 * Past this many changes the text diff is not attempted: it would be a hundred thousand lines nobody reads, and
 * rendering both sides as YAML and diffing them costs seconds the Review drawer would wait for.
 */
const UNIFIED_MAX_CHANGES = 2000;

function unifiedOf(from: DiffSide, to: DiffSide, changes: number, a: Resources, b: Resources): string {
  if (from.hash === to.hash) return "";
  if (changes > UNIFIED_MAX_CHANGES)
    return `--- ${from.label}\n+++ ${to.label}\n@@ ${changes} changes are too many for a text diff (it is made for up to ${UNIFIED_MAX_CHANGES}): the changes above list every difference @@\n`;
  return unifiedDiff(from.label, to.label, a, b, UNIFIED_TIMEOUT_MS);
}

/** The whole diff of two snapshots, computed now (nothing kept). */
export function configDiff(from: DiffSide, to: DiffSide, a: Resources, b: Resources): z.input<typeof ConfigDiff> {
  const changes = from.hash === to.hash ? [] : readableDiff(a, b);
  return { from, to, identical: from.hash === to.hash, changes, unified: unifiedOf(from, to, changes.length, a, b) };
}

/** Two sides by their hashes; their snapshots are loaded (once) only when a diff or text must be computed. */
export interface DiffPair {
  from: DiffSide;
  to: DiffSide;
  load: () => Promise<{ a: Resources; b: Resources }>;
}

function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}

/** A version's snapshot; gone since its summary was read (a restore), the computation fails and nothing is kept. */
async function snapshotOf(id: string): Promise<Resources> {
  const v = await getVersion(id);
  if (!v) throw notFound(`version ${id} not found`);
  return v.snapshot;
}

/** The draft against the live version (against nothing when no version was published yet). */
export async function draftPair(): Promise<DiffPair> {
  const env = currentEnvironment();
  const [{ rows }, liveId] = await Promise.all([readDraft(), getLiveVersionId(env)]);
  const live = liveId ? await getVersionSummary(liveId) : null;
  const from: DiffSide = live ? { ...versionSide(live), label: `v${live.number} (live)` } : { kind: "empty", id: null, number: null, hash: hashResources(EMPTY), label: "nothing published" };
  const to: DiffSide = { kind: "draft", id: null, number: null, hash: hashOnce(rows, () => hashResources(composeResources(rows))), label: "draft" };
  const load = once(async () => ({ a: live ? await snapshotOf(live.id) : EMPTY, b: composeResources(rows) }));
  return { from, to, load };
}

/** Version `fromId` → version `toId`. 404 names the version that does not exist. */
export async function versionPair(fromId: string, toId: string): Promise<DiffPair> {
  const [a, b] = await Promise.all([getVersionSummary(fromId), getVersionSummary(toId)]);
  if (!a) throw notFound(`version ${fromId} not found`);
  if (!b) throw notFound(`version ${toId} not found`);
  const load = once(async () => {
    const [sa, sb] = await Promise.all([snapshotOf(fromId), snapshotOf(toId)]);
    return { a: sa, b: sb };
  });
  return { from: versionSide(a), to: versionSide(b), load };
}

function readable(p: DiffPair): Promise<CachedDiff> | null {
  if (p.from.hash === p.to.hash) return null;
  return cachedDiff(p.from.hash, p.to.hash, async () => {
    const { a, b } = await p.load();
    return readableDiff(a, b);
  });
}

async function whole<C>(p: DiffPair, changesOf: (d: CachedDiff) => C[]) {
  const d = await readable(p);
  if (!d) return { from: p.from, to: p.to, identical: true, changes: [] as C[], unified: "" };
  const labels = `${p.from.label}\n${p.to.label}`;
  let unified = d.unified.get(labels);
  if (unified === undefined) {
    const { a, b } = d.changes.length > UNIFIED_MAX_CHANGES ? { a: EMPTY, b: EMPTY } : await p.load();
    d.unified.set(labels, (unified = unifiedOf(p.from, p.to, d.changes.length, a, b)));
  }
  return { from: p.from, to: p.to, identical: false, changes: changesOf(d), unified };
}

/** The whole diff, every change with its sides (the endpoints' default answer). */
export function fullDiff(p: DiffPair): Promise<z.input<typeof ConfigDiff>> {
  return whole(p, (d) => d.changes as ReadableChange[]);
}

/** The diff without the changes' sides (`?sides=0`). */
export function diffSummary(p: DiffPair): Promise<z.input<typeof ConfigDiffSummary>> {
  return whole(p, (d) => d.summaries());
}

/** One change of the diff with its sides (`?change=<id>`); 404 names the change and the diff it is not in. */
export async function diffChange(p: DiffPair, id: string): Promise<z.input<typeof DiffChange>> {
  const change = (await readable(p))?.change(id);
  if (!change) throw notFound(`change ${id} is not in the diff from ${p.from.label} to ${p.to.label}`);
  return { from: p.from, to: p.to, change };
}

/**
 * The readable changes from one snapshot to another, kept like the endpoints' diffs: the guard of a publish asks
 * for the previous version → the new one, which the Review drawer just computed as the live version → the draft.
 * Synchronous: hashing both (tens of ms at 10,000 routes) is what a hit costs.
 */
export function changesBetween(a: Snapshot, b: Snapshot): readonly ReadableChange[] {
  const ra = { listeners: a.listeners ?? [], clusters: a.clusters ?? [] };
  const rb = { listeners: b.listeners ?? [], clusters: b.clusters ?? [] };
  const [ha, hb] = [hashResources(ra), hashResources(rb)];
  if (ha === hb) return [];
  return cachedDiffSync(ha, hb, () => readableDiff(ra, rb)).changes;
}

/** Computes (and keeps) the readable diff of the draft against the live version, for the Review drawer to come. */
export async function warmDraftDiff(): Promise<void> {
  await readable(await draftPair());
}

/** The draft against the live version, whole. */
export async function diffDraft(): Promise<z.input<typeof ConfigDiff>> {
  return fullDiff(await draftPair());
}

/** Version `fromId` → version `toId`, whole. */
export async function diffVersionPair(fromId: string, toId: string): Promise<z.input<typeof ConfigDiff>> {
  return fullDiff(await versionPair(fromId, toId));
}
