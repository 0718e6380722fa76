"use client";
import { useQuery } from "@tanstack/react-query";
import { AuditList } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

export type { AuditEntry } from "@/lib/contract";

/** GET /api/audit: the append-only trail, newest first. */
export function useAuditQuery(limit = 200) {
  return useQuery({
    queryKey: queryKeys.audit(limit),
    queryFn: () => api.get(`/api/audit?limit=${limit}`, AuditList),
    refetchInterval: 5000,
  });
}
