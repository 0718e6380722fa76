"use client";
// Draft cluster mutations: PUT /api/draft/clusters/{name} (create, replace or rename) and DELETE.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import { DraftClusterItem } from "@/lib/contract";
import type { Cluster } from "./types";

function useInvalidateClusters() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: queryKeys.draftClusters(), exact: true }),
      qc.invalidateQueries({ queryKey: queryKeys.draftStatus(), exact: true }),
      qc.invalidateQueries({ queryKey: queryKeys.draftConfig(), exact: true }),
      // a rename rewrites the routes that point at the cluster
      qc.invalidateQueries({ queryKey: queryKeys.draftRoutes(), exact: true }),
    ]);
}

export function useSaveClusterMutation() {
  const invalidate = useInvalidateClusters();
  return useMutation({
    /** `originalName` is the name in the URL (the cluster being replaced); absent for a new cluster. */
    mutationFn: (input: { originalName?: string; cluster: Cluster }) =>
      api.put(`/api/draft/clusters/${encodeURIComponent(input.originalName ?? input.cluster.name)}`, input.cluster, DraftClusterItem),
    onSuccess: invalidate,
  });
}

export function useDeleteClusterMutation() {
  const invalidate = useInvalidateClusters();
  return useMutation({
    mutationFn: (name: string) => api.del(`/api/draft/clusters/${encodeURIComponent(name)}`),
    onSuccess: invalidate,
  });
}
