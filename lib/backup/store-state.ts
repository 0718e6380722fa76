// Whether the store can take a restore: only an empty one can, so a restore never merges two histories or
// overwrites work. A fresh install is not quite empty (server.ts publishes the starter version 1 as author
// "system"); while that is the only version and the draft is untouched, it counts as empty and is replaced.
import { hashResources } from "../config/canonical";
import { composeResources } from "../config/draft-mapper";
import { loadDraftRows } from "../repos/draft-repo";
import { getDraftState } from "../repos/draft-state-repo";
import type { Tx } from "../repos/transaction";
import { countVersions, listVersions } from "../repos/version-repo";
import { DEFAULT_ENVIRONMENT } from "../contract/environments";

/** The starter's author and number (lib/config/publish.ts ensureStarterVersion). */
const STARTER_AUTHOR = "system";

export interface StoreState { empty: boolean; replacesStarter: boolean; reason: string | null }

export async function storeState(tx: Tx): Promise<StoreState> {
  // versions of every environment count; the starter is the default environment's
  const [count, versions] = await Promise.all([countVersions(undefined, tx), listVersions(DEFAULT_ENVIRONMENT, tx, 1)]);
  const draft = composeResources(await loadDraftRows(DEFAULT_ENVIRONMENT, tx));
  const draftEmpty = draft.listeners.length + draft.clusters.length === 0;
  if (count === 0)
    return draftEmpty ? { empty: true, replacesStarter: false, reason: null } : { empty: false, replacesStarter: false, reason: "this console's draft has listeners or clusters: restore into a fresh console (an empty data directory)" };
  const [v] = versions;
  const starter = count === 1 && v.number === 1 && v.author === STARTER_AUTHOR && v.rollbackOfId === null;
  if (starter) {
    const { revision } = await getDraftState(DEFAULT_ENVIRONMENT, tx);
    // the starter's own draft write is revision 1; any later edit moves it on
    if (revision <= 1 && hashResources(draft) === v.hash) return { empty: true, replacesStarter: true, reason: null };
    return { empty: false, replacesStarter: false, reason: `this console's draft was edited (revision ${revision}): restore into a fresh console (an empty data directory)` };
  }
  const n = `${count} version${count === 1 ? "" : "s"}`;
  return { empty: false, replacesStarter: false, reason: `this console already has ${n} (latest v${v.number} by ${v.author}): a restore only goes into an empty console, so nothing is merged or overwritten; start a console with an empty data directory and restore there` };
}
