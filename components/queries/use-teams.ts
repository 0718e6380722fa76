"use client";
// Teams (Settings → Teams, admin), the caller's teams (what "Mine" filters by), and setting the owner of a
// draft resource (admin): ownership moves no draft revision, so the listings that show owners are refetched.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DeletedTeam, MyTeams, Ownership, TeamInfo, TeamList, type OwnershipBody } from "@/lib/contract/teams";
import { api } from "./api-client";
import { queryKeys } from "./keys";

export function useTeamsQuery(enabled = true) {
  return useQuery({ queryKey: queryKeys.teams(), queryFn: () => api.get("/api/teams", TeamList), enabled });
}

export function useMyTeamsQuery() {
  return useQuery({ queryKey: queryKeys.myTeams(), queryFn: () => api.get("/api/draft/ownership", MyTeams), staleTime: 30_000 });
}

function invalidateOwners(qc: ReturnType<typeof useQueryClient>) {
  for (const key of [queryKeys.draftRoutes(), queryKeys.draftClusters(), queryKeys.draftListeners()]) void qc.invalidateQueries({ queryKey: key, exact: true });
}

/** `owners`: the change can change who owns what (a team deleted), so the draft's listings are refetched too. */
function useTeamMutation<V>(fn: (v: V) => Promise<unknown>, owners = false) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.teams(), exact: true });
      void qc.invalidateQueries({ queryKey: queryKeys.myTeams(), exact: true });
      if (owners) invalidateOwners(qc);
    },
  });
}

export const useCreateTeam = () => useTeamMutation((name: string) => api.post("/api/teams", { name }, TeamInfo));

export const useSetTeamMembers = () =>
  useTeamMutation((v: { name: string; userIds: string[] }) => api.put(`/api/teams/${encodeURIComponent(v.name)}/members`, { userIds: v.userIds }, TeamInfo));

export const useDeleteTeam = () => useTeamMutation((name: string) => api.write("DELETE", `/api/teams/${encodeURIComponent(name)}`, undefined, DeletedTeam, null), true);

export function useSetOwnership() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: OwnershipBody) => api.put("/api/draft/ownership", body, Ownership),
    onSettled: () => invalidateOwners(qc),
  });
}
