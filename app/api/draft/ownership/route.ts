import { withHandler } from "@/lib/http";
import { MyTeams, Ownership, OwnershipBody } from "@/lib/contract/teams";
import { setOwnership } from "@/lib/teams/ownership-service";

/** The caller's teams and whether they may change every resource (admins): {teams, admin}. */
export const GET = withHandler({ response: MyTeams }, async ({ actor }) => ({ teams: actor.teams, admin: actor.role === "admin" }));

/**
 * Sets or clears the owner of a draft resource (admin): {kind: route|virtual_host|cluster, id (route), listener and
 * name (virtual host), name (cluster), team|null} → {kind, id, name, owner}. No draft revision: the snapshot is unchanged.
 */
export const PUT = withHandler({ role: "admin", body: OwnershipBody, response: Ownership }, async ({ body, actor }) => setOwnership(body, actor));
