"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Settings } from "@/lib/contract/settings";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/settings: telemetry retention and the Zipkin collector. */
export function useSettingsQuery() {
  return useQuery({ queryKey: queryKeys.settings(), queryFn: () => api.get("/api/settings", Settings) });
}

/** PUT /api/settings: the answer is what the console now uses, so it replaces the cached settings. */
export function useSaveSettingsMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: Settings) => api.put("/api/settings", s, Settings),
    onSuccess: (saved) => qc.setQueryData(queryKeys.settings(), saved),
  });
}
