// Reading the draft together with its revision, in one transaction, so the ETag a client gets is the
// revision of exactly the rows it was shown. All of it is the current environment's (lib/environment/scope.ts).
import { transaction } from "../repos/transaction";
import { loadDraftRows } from "../repos/draft-repo";
import { getDraftState } from "../repos/draft-state-repo";
import { getLiveVersionId } from "../repos/live-state-repo";
import { getVersion, type Version } from "../repos/version-repo";
import { compose, type BootstrapDoc, type DraftRows } from "./draft-mapper";
import { currentEnvironment } from "../environment/scope";

export async function readDraft(): Promise<{ rows: DraftRows; revision: number }> {
  const env = currentEnvironment();
  return transaction(async (tx) => {
    const [rows, state] = await Promise.all([loadDraftRows(env, tx), getDraftState(env, tx)]);
    return { rows, revision: state.revision };
  });
}

export async function getDraftRows(): Promise<DraftRows> {
  return loadDraftRows(currentEnvironment());
}

export async function getDraftDocument(): Promise<BootstrapDoc> {
  return compose(await loadDraftRows(currentEnvironment()));
}

export async function getLiveVersion(): Promise<Version | null> {
  const id = await getLiveVersionId(currentEnvironment());
  return id ? getVersion(id) : null;
}
