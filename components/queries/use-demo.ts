"use client";
// Demo traffic (GET/POST/DELETE /api/demo): the Overview offers it while there is no traffic yet.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DemoStatus } from "@/lib/demo/contract";
import { api } from "./api-client";
import { afterPublishKeys, queryKeys } from "./keys";

/** Errors (a console without the demo API answers 404) are an answer too: the button stays hidden. */
export function useDemoQuery() {
  return useQuery({
    queryKey: queryKeys.demo(),
    queryFn: () => api.get("/api/demo", DemoStatus),
    retry: false,
    refetchInterval: (q) => (q.state.data?.running ? 5_000 : q.state.status === "error" ? false : 30_000),
  });
}

function useAfterDemo() {
  const qc = useQueryClient();
  // the demo publishes its routes and clusters (and removes them on stop): a new version, a new draft
  return () =>
    Promise.all([queryKeys.demo(), ...afterPublishKeys(), queryKeys.telemetry()].map((queryKey) => qc.invalidateQueries({ queryKey })));
}

export function useStartDemoMutation() {
  const after = useAfterDemo();
  return useMutation({ mutationFn: () => api.post("/api/demo", {}, DemoStatus), onSuccess: after });
}

export function useStopDemoMutation() {
  const after = useAfterDemo();
  return useMutation({ mutationFn: () => api.del("/api/demo"), onSuccess: after });
}
