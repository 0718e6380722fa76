"use client";
// The draft's route tests: read (GET /api/draft/route-tests, with the revision it shows), save (PUT, If-Match that
// revision), run (POST /api/draft/route-tests/run, against the draft and live), the publish gate's run keyed by
// the draft revision under review, and a publish that may override failing tests (POST /api/versions).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PublishResult, RouteTestRun, RouteTestSuite, type PublishGatedBody } from "@/lib/contract";
import { api } from "./api-client";
import { invalidateDraft } from "./draft-revision";
import { afterPublishKeys, queryKeys } from "./keys";

/** This feature's query keys (the shared factory's `draft` prefix, so a draft-wide invalidation reaches them). */
export const routeTestKeys = {
  all: () => ["draft", "route-tests"] as const,
  suite: () => ["draft", "route-tests", "suite"] as const,
  gate: (revision: number) => ["draft", "route-tests", "gate", revision] as const,
};

export function useRouteTestsQuery() {
  return useQuery({ queryKey: routeTestKeys.suite(), queryFn: () => api.read("/api/draft/route-tests", RouteTestSuite) });
}

/** PUT the suite made on draft revision `revision` (If-Match); answers the stored suite and the new revision. */
export function useSaveRouteTestsMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ doc, revision }: { doc: Record<string, unknown>; revision: number | null }) => api.write("PUT", "/api/draft/route-tests", doc, RouteTestSuite, revision),
    onSuccess: (saved) => qc.setQueryData(routeTestKeys.suite(), saved),
    // a save moves the draft revision (the header's status, every draft list); a 409 means they are outdated too
    onSettled: () => Promise.all([invalidateDraft(qc), qc.invalidateQueries({ queryKey: routeTestKeys.all() })]),
  });
}

/** Runs `suite` (the editor's text, parsed) or, without it, the stored suite against the draft and live. */
export function useRunRouteTestsMutation() {
  return useMutation({ mutationFn: (suite: Record<string, unknown> | undefined) => api.post("/api/draft/route-tests/run", suite === undefined ? {} : { suite }, RouteTestRun) });
}

/** The publish gate: the stored suite against the draft at `revision` (a new revision runs it again). */
export function useRouteTestGateQuery(revision: number) {
  return useQuery({ queryKey: routeTestKeys.gate(revision), queryFn: () => api.post("/api/draft/route-tests/run", {}, RouteTestRun) });
}

/** POST /api/versions with the gate's override when there is one; made on the revision the header shows (If-Match). */
export function usePublishGatedMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PublishGatedBody) => {
      const revision = qc.getQueryData<{ revision?: number }>(queryKeys.draftStatus())?.revision;
      return api.write("POST", "/api/versions", body, PublishResult, revision).then((r) => r.data);
    },
    onSettled: () =>
      Promise.all([...afterPublishKeys().map((queryKey) => qc.invalidateQueries({ queryKey, exact: true })), qc.invalidateQueries({ queryKey: routeTestKeys.all() })]),
  });
}
