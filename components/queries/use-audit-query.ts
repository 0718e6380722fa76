"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import { listOf } from "./types";

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  target: string;
  details: unknown;
}

/** GET /api/audit: the append-only trail, newest first. */
export function useAuditQuery(limit = 200) {
  return useQuery({
    queryKey: queryKeys.audit(limit),
    queryFn: () => api.get<unknown>(`/api/audit?limit=${limit}`),
    select: (raw): AuditEntry[] =>
      listOf(raw, "audit").map((o) => ({
        at: String(o.at ?? ""),
        actor: String(o.actor ?? ""),
        action: String(o.action ?? ""),
        target: String(o.target ?? ""),
        details: o.details ?? null,
      })),
    refetchInterval: 5000,
  });
}
