// The draft against the live version: what publishing would change, and what a rollback or a discard would
// throw away. Uses the per-resource list of diff.ts.
import type { Version } from "../repos/version-repo";
import { hashResources } from "./canonical";
import { resourceChanges, type ResourceChange } from "./diff";
import type { Resources } from "./draft-mapper";

const EMPTY: Resources = { listeners: [], clusters: [] };

export interface Pending { dirty: boolean; draftHash: string; changes: ResourceChange[] }

/** Whether the draft differs from `live` (from nothing, when nothing is live), and how. */
export function pendingChanges(draft: Resources, live: Version | null): Pending {
  const draftHash = hashResources(draft);
  const dirty = live ? draftHash !== live.hash : draft.listeners.length + draft.clusters.length > 0;
  return { dirty, draftHash, changes: dirty ? resourceChanges(live?.snapshot ?? EMPTY, draft) : [] };
}

export const describePending = (changes: ResourceChange[]) =>
  changes.slice(0, 5).map((c) => `${c.kind} ${c.name} ${c.change}`).join(", ") + (changes.length > 5 ? ` and ${changes.length - 5} more` : "");
