// Reading the draft together with its revision, in one transaction, so the ETag a client gets is the
// revision of exactly the rows it was shown. All of it is the current environment's (lib/environment/scope.ts).
//
// Every page of the console reads the draft (the Routes page alone asks for its routes, its status, its clusters
// and its listeners), and at 10,000 routes loading the rows from SQLite is ~80 ms each time. The rows of the last
// revision read are kept per environment and served while the draft is at that revision: the revision moves with
// every change, under the config lock, so they are exactly the stored rows. Readers only read them (composing
// clones); writers load their own copy (draft-write.ts). A restore forgets them.
import { transaction } from "../repos/transaction";
import { loadDraftRows } from "../repos/draft-repo";
import { getDraftState } from "../repos/draft-state-repo";
import { getLiveVersionId } from "../repos/live-state-repo";
import { getVersion, type Version } from "../repos/version-repo";
import { compose, type BootstrapDoc, type DraftRows } from "./draft-mapper";
import { currentEnvironment } from "../environment/scope";

interface Kept { revision: number; updatedAt: number | null; rows: DraftRows }
const KEY = Symbol.for("signalbox.draftRowsRead");

function kept(): Map<string, Kept> {
  const g = globalThis as unknown as Record<symbol, Map<string, Kept> | undefined>;
  return (g[KEY] ??= new Map());
}

/** Forgets the rows kept for reading (a restore replaces every draft and its revisions). */
export function forgetDraftReads(): void {
  kept().clear();
}

/** The current environment's draft rows and their revision; the rows must not be changed by the caller. */
export async function readDraft(): Promise<{ rows: DraftRows; revision: number }> {
  const env = currentEnvironment();
  return transaction(async (tx) => {
    const state = await getDraftState(env, tx);
    const updatedAt = state.updatedAt?.getTime() ?? null;
    const k = kept().get(env);
    if (k && k.revision === state.revision && k.updatedAt === updatedAt) return { rows: k.rows, revision: k.revision };
    const rows = await loadDraftRows(env, tx);
    kept().set(env, { revision: state.revision, updatedAt, rows });
    return { rows, revision: state.revision };
  });
}

/** The current environment's draft rows, read-only (see readDraft). */
export async function getDraftRows(): Promise<DraftRows> {
  return (await readDraft()).rows;
}

export async function getDraftDocument(): Promise<BootstrapDoc> {
  return compose(await getDraftRows());
}

export async function getLiveVersion(): Promise<Version | null> {
  const id = await getLiveVersionId(currentEnvironment());
  return id ? getVersion(id) : null;
}
