"use client";
// Draft route mutations (POST/PUT/DELETE /api/draft/routes…, POST …/move). Each is made on a draft revision
// (If-Match): the one the caller names (an editor: the revision it was opened on), else the revision of the
// route list on screen. Success and a 409 both refresh every draft query.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, draftConflictOf } from "./api-client";
import { cachedRevision, invalidateDraft } from "./draft-revision";
import { queryKeys } from "./keys";
import { CreatedRoute, DraftRouteItem } from "@/lib/contract";
import type { Route } from "./types";

/** The revision a change is made on: the caller's, else the one the route list shows. */
function useRevision() {
  const qc = useQueryClient();
  return (ifMatch: number | undefined) => ifMatch ?? cachedRevision(qc, queryKeys.draftRoutes());
}

function useRefresh() {
  const qc = useQueryClient();
  return {
    onSuccess: () => invalidateDraft(qc),
    onError: (e: Error) => (draftConflictOf(e) ? invalidateDraft(qc) : undefined),
  };
}

export function useCreateRouteMutation() {
  const revision = useRevision();
  return useMutation({
    mutationFn: (input: { listener?: string; virtualHost?: string; route: Route; position?: number; ifMatch?: number }) =>
      api.write("POST", "/api/draft/routes", { listener: input.listener, virtualHost: input.virtualHost, route: input.route, position: input.position }, CreatedRoute, revision(input.ifMatch)),
    ...useRefresh(),
  });
}

export function useUpdateRouteMutation() {
  const revision = useRevision();
  return useMutation({
    mutationFn: (input: { id: string; route: Route; ifMatch?: number }) =>
      api.write("PUT", `/api/draft/routes/${encodeURIComponent(input.id)}`, { route: input.route }, DraftRouteItem, revision(input.ifMatch)),
    ...useRefresh(),
  });
}

export function useDeleteRouteMutation() {
  const revision = useRevision();
  return useMutation({
    mutationFn: (id: string) => api.write("DELETE", `/api/draft/routes/${encodeURIComponent(id)}`, undefined, null, revision(undefined)),
    ...useRefresh(),
  });
}

export function useMoveRouteMutation() {
  const revision = useRevision();
  return useMutation({
    mutationFn: (input: { id: string; direction: "up" | "down" }) =>
      api.write("POST", `/api/draft/routes/${encodeURIComponent(input.id)}/move`, { direction: input.direction }, DraftRouteItem, revision(undefined)),
    ...useRefresh(),
  });
}
