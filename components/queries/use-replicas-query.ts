"use client";
import { useQuery } from "@tanstack/react-query";
import { ReplicaList } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/replicas: the console processes sharing the database, their heartbeats and the nodes each holds. */
export function useReplicasQuery() {
  return useQuery({ queryKey: queryKeys.replicas(), queryFn: () => api.get("/api/replicas", ReplicaList), refetchInterval: 5000 });
}
