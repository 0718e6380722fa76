// Reading the draft together with its revision, in one transaction, so the ETag a client gets is the
// revision of exactly the rows it was shown.
import { transaction } from "../repos/transaction";
import { loadDraftRows } from "../repos/draft-repo";
import { getDraftState } from "../repos/draft-state-repo";
import { getLiveVersionId } from "../repos/live-state-repo";
import { getVersion, type Version } from "../repos/version-repo";
import { compose, type BootstrapDoc, type DraftRows } from "./draft-mapper";

export async function readDraft(): Promise<{ rows: DraftRows; revision: number }> {
  return transaction(async (tx) => {
    const [rows, state] = await Promise.all([loadDraftRows(tx), getDraftState(tx)]);
    return { rows, revision: state.revision };
  });
}

export async function getDraftRows(): Promise<DraftRows> {
  return loadDraftRows();
}

export async function getDraftDocument(): Promise<BootstrapDoc> {
  return compose(await loadDraftRows());
}

export async function getLiveVersion(): Promise<Version | null> {
  const id = await getLiveVersionId();
  return id ? getVersion(id) : null;
}
