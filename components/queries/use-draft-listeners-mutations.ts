"use client";
// Draft listener and virtual host mutations: PUT/DELETE /api/draft/listeners/{name} and
// PUT/DELETE /api/draft/listeners/{name}/virtual-hosts/{vhost}. Made on a draft revision (If-Match) like the
// route and cluster mutations: the caller's, else the listener list's. Success and a 409 refresh every draft
// query (a deleted listener takes routes with it).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { DeletedListener, DeletedVirtualHost, DraftListenerItem, type ListenerBody, type VirtualHostBody } from "@/lib/contract";
import { api, draftConflictOf } from "./api-client";
import { cachedRevision, invalidateDraft } from "./draft-revision";
import { queryKeys } from "./keys";

function useRevision() {
  const qc = useQueryClient();
  return (ifMatch: number | undefined) => ifMatch ?? cachedRevision(qc, queryKeys.draftListeners());
}

function useRefresh() {
  const qc = useQueryClient();
  return {
    onSuccess: () => {
      invalidateDraft(qc);
      // a listener's secrets are what Settings → TLS secrets lists as "used by"
      void qc.invalidateQueries({ queryKey: queryKeys.secrets(), exact: true });
    },
    onError: (e: Error) => (draftConflictOf(e) ? invalidateDraft(qc) : undefined),
  };
}

const listenerPath = (name: string) => `/api/draft/listeners/${encodeURIComponent(name)}`;
const vhostPath = (listener: string, vhost: string) => `${listenerPath(listener)}/virtual-hosts/${encodeURIComponent(vhost)}`;

export function useSaveListenerMutation() {
  const revision = useRevision();
  return useMutation({
    /** `originalName`: the listener being replaced (absent for a new one); a different body name renames it. */
    mutationFn: (input: { originalName?: string; body: ListenerBody; ifMatch?: number }) =>
      api.write("PUT", listenerPath(input.originalName ?? input.body.name), input.body, DraftListenerItem, revision(input.ifMatch)),
    ...useRefresh(),
  });
}

export function useDeleteListenerMutation() {
  const revision = useRevision();
  return useMutation({
    mutationFn: (name: string) => api.write("DELETE", listenerPath(name), undefined, DeletedListener, revision(undefined)),
    ...useRefresh(),
  });
}

export function useSaveVirtualHostMutation() {
  const revision = useRevision();
  return useMutation({
    /** `originalName`: the virtual host being replaced (absent for a new one) */
    mutationFn: (input: { listener: string; originalName?: string; body: VirtualHostBody & { name: string }; ifMatch?: number }) =>
      api.write("PUT", vhostPath(input.listener, input.originalName ?? input.body.name), input.body, DraftListenerItem, revision(input.ifMatch)),
    ...useRefresh(),
  });
}

export function useDeleteVirtualHostMutation() {
  const revision = useRevision();
  return useMutation({
    mutationFn: (input: { listener: string; name: string }) => api.write("DELETE", vhostPath(input.listener, input.name), undefined, DeletedVirtualHost, revision(undefined)),
    ...useRefresh(),
  });
}
