"use client";
// Which draft revision a screen shows, and which one an editor's change is made on. Draft list queries keep
// the revision of their answer next to the data in the cache (the hooks select the data); a change is sent
// with that revision as If-Match, and one made on an older revision is refused with 409, not lost.
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { Revisioned } from "./api-client";
import { queryKeys } from "./keys";

/** The revision of the draft query `key` as cached now (undefined before it loaded). */
export function cachedRevision(qc: QueryClient, key: QueryKey): number | undefined {
  return qc.getQueryData<Revisioned<unknown>>(key)?.revision ?? undefined;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The revision an editor's change is made on. It starts at the revision on screen and follows it while the
 * resource being edited is the same in it as the one the editor stands on (`base`): the edit still stands on
 * what is shown. When the resource changed, it follows only an editor the user has not touched
 * (`untouched`), through `rebase` (which takes the new resource); otherwise it stays, and saving gets the 409.
 * `shown` is the draft query's cached answer, `latest` the resource in it (undefined: new or deleted).
 */
export function useEditorRevision<T>(opts: {
  shown: Revisioned<unknown> | undefined;
  latest: T | undefined;
  base: T | undefined;
  untouched: boolean;
  busy: boolean;
  rebase: (latest: T) => void;
}): [number | undefined, (r: number | undefined) => void] {
  const { shown, latest, base, untouched, busy, rebase } = opts;
  const [revision, setRevision] = useState<number | undefined>(shown?.revision ?? undefined);
  useEffect(() => {
    if (!shown || busy) return;
    const now = shown.revision ?? undefined;
    if (now === revision) return;
    // syncing with the query cache, an external store: the revision follows the answer on screen
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (same(latest, base)) setRevision(now);
    else if (untouched && latest !== undefined) {
      rebase(latest);
      setRevision(now);
    }
    // only a new answer on screen moves the revision; the editor's own state is read as it is then
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shown]);
  return [revision, setRevision];
}

/** Every query that shows the draft: refetched after a draft write, and after a 409 (it is outdated). */
export const draftKeys = () => [queryKeys.draftRoutes(), queryKeys.draftClusters(), queryKeys.draftListeners(), queryKeys.draftStatus(), queryKeys.draftConfig()];

export function invalidateDraft(qc: QueryClient) {
  return Promise.all(draftKeys().map((queryKey) => qc.invalidateQueries({ queryKey, exact: true })));
}

