"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/versions/{from}/diff?to={to}: a unified text diff between two versions' snapshots. */
export function useVersionDiffQuery(from: string | null, to: string | null) {
  return useQuery({
    queryKey: queryKeys.versionDiff(from ?? "", to ?? ""),
    enabled: Boolean(from && to),
    queryFn: async () => {
      const raw = await api.get<unknown>(`/api/versions/${encodeURIComponent(from!)}/diff?to=${encodeURIComponent(to!)}`);
      return diffText(raw);
    },
    staleTime: Infinity, // versions are immutable
  });
}

function diffText(raw: unknown): string {
  if (typeof raw === "string") return raw;
  if (raw && typeof raw === "object") {
    const o = raw as Record<string, unknown>;
    for (const k of ["diff", "patch", "unified", "text"]) if (typeof o[k] === "string") return o[k] as string;
  }
  return JSON.stringify(raw, null, 2);
}
