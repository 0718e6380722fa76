"use client";
// Draft cluster mutations: PUT /api/draft/clusters/{name} (create, replace or rename) and DELETE. Made on a
// draft revision (If-Match) like the route mutations: the caller's, else the cluster list's.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, draftConflictOf } from "./api-client";
import { cachedRevision, invalidateDraft } from "./draft-revision";
import { queryKeys } from "./keys";
import { DraftClusterItem } from "@/lib/contract";
import type { Cluster } from "./types";

function useRevision() {
  const qc = useQueryClient();
  return (ifMatch: number | undefined) => ifMatch ?? cachedRevision(qc, queryKeys.draftClusters());
}

// a rename rewrites the routes that point at the cluster: every draft query is refreshed
function useRefresh() {
  const qc = useQueryClient();
  return {
    onSuccess: () => invalidateDraft(qc),
    onError: (e: Error) => (draftConflictOf(e) ? invalidateDraft(qc) : undefined),
  };
}

export function useSaveClusterMutation() {
  const revision = useRevision();
  return useMutation({
    /** `originalName` is the name in the URL (the cluster being replaced); absent for a new cluster. */
    mutationFn: (input: { originalName?: string; cluster: Cluster; ifMatch?: number }) =>
      api.write("PUT", `/api/draft/clusters/${encodeURIComponent(input.originalName ?? input.cluster.name)}`, input.cluster, DraftClusterItem, revision(input.ifMatch)),
    ...useRefresh(),
  });
}

export function useDeleteClusterMutation() {
  const revision = useRevision();
  return useMutation({
    mutationFn: (name: string) => api.write("DELETE", `/api/draft/clusters/${encodeURIComponent(name)}`, undefined, null, revision(undefined)),
    ...useRefresh(),
  });
}
