// The last few readable diffs computed, by the hashes of their two sides. At 10,000 changed routes a diff is a
// quarter of a second of the console's one thread, and the same one is asked for again and again: the Review
// drawer opened twice, a change's sides opened in it, the guard of the publish that follows (its previous version
// is the live side, its new version the draft side: the same two hashes). A hash is the sha256 of the canonical
// snapshot (canonical.ts), so an entry can never be stale: a draft edit or a new live version is another hash,
// hence another key. Module copies (server.ts, Next's bundle) share the store on globalThis, as draft-read.ts does.
import type { ReadableChange, ReadableChangeSummary } from "../../contract/diff";

/** Entries kept: the drawer's diff, a version pair or two on the Versions page, the guard's. */
export const DIFF_CACHE_SIZE = 4;

export class CachedDiff {
  #summaries: ReadableChangeSummary[] | null = null;
  #byId: Map<string, ReadableChange> | null = null;
  /** the unified text per pair of side labels (the labels are its first lines) */
  readonly unified = new Map<string, string>();

  /** shared by every answer: never changed by a reader */
  constructor(readonly changes: readonly ReadableChange[]) {}

  /** the changes without their sides (made once: what `?sides=0` lists) */
  summaries(): ReadableChangeSummary[] {
    return (this.#summaries ??= this.changes.map(({ before: _b, after: _a, ...rest }) => rest));
  }

  change(id: string): ReadableChange | undefined {
    return (this.#byId ??= new Map(this.changes.map((c) => [c.id, c]))).get(id);
  }
}

interface Entry {
  made: Promise<CachedDiff>;
  /** set once `made` resolved: what a synchronous reader (the guard) takes */
  ready: CachedDiff | null;
}
interface Store {
  /** insertion order is recency: a hit moves its entry to the end, the first one is evicted */
  entries: Map<string, Entry>;
  /** diffs computed since the start (what a test checks a cache hit by) */
  computed: number;
}
const KEY = Symbol.for("signalbox.diffCache");

function store(): Store {
  const g = globalThis as unknown as Record<symbol, Store | undefined>;
  return (g[KEY] ??= { entries: new Map(), computed: 0 });
}

const keyOf = (fromHash: string, toHash: string) => `${fromHash}\u0000${toHash}`;

function hit(s: Store, key: string): Entry | undefined {
  const e = s.entries.get(key);
  if (e) {
    s.entries.delete(key);
    s.entries.set(key, e);
  }
  return e;
}

function keep(s: Store, key: string, e: Entry): void {
  s.entries.set(key, e);
  while (s.entries.size > DIFF_CACHE_SIZE) s.entries.delete(s.entries.keys().next().value!);
}

/**
 * The diff from the snapshot hashed `fromHash` to the one hashed `toHash`: the kept one, or `compute()`'s, kept.
 * A computation under way is shared by those who ask meanwhile; one that fails is not kept.
 */
export function cachedDiff(fromHash: string, toHash: string, compute: () => Promise<ReadableChange[]>): Promise<CachedDiff> {
  const s = store();
  const key = keyOf(fromHash, toHash);
  const found = hit(s, key);
  if (found) return found.made;
  const e: Entry = { made: Promise.resolve(null as never), ready: null };
  e.made = (async () => {
    s.computed++;
    return (e.ready = new CachedDiff(await compute()));
  })();
  e.made.catch(() => {
    if (s.entries.get(key) === e) s.entries.delete(key);
  });
  keep(s, key, e);
  return e.made;
}

/** cachedDiff for a synchronous caller: a diff still being computed elsewhere is computed here too. */
export function cachedDiffSync(fromHash: string, toHash: string, compute: () => ReadableChange[]): CachedDiff {
  const s = store();
  const key = keyOf(fromHash, toHash);
  const found = hit(s, key)?.ready;
  if (found) return found;
  s.computed++;
  const ready = new CachedDiff(compute());
  keep(s, key, { made: Promise.resolve(ready), ready });
  return ready;
}

/** How many diffs were computed rather than found. */
export function diffsComputed(): number {
  return store().computed;
}

export function forgetDiffs(): void {
  store().entries.clear();
}

const HASHES = Symbol.for("signalbox.draftHashes");

/**
 * `hash()` of `rows`, once per rows object. The draft's rows are kept by draft-read.ts while the draft is at their
 * revision and are never changed (a write loads its own copy; a new revision or a restore loads new rows): the
 * object stands for one content, and composing and hashing 10,000 routes again is 50 ms.
 */
export function hashOnce(rows: object, hash: () => string): string {
  const g = globalThis as unknown as Record<symbol, WeakMap<object, string> | undefined>;
  const memo = (g[HASHES] ??= new WeakMap());
  let h = memo.get(rows);
  if (h === undefined) memo.set(rows, (h = hash()));
  return h;
}
