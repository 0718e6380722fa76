// The one hook of the draft write path (writeDraft, lib/config/draft-revision.ts): owners stay with their rows, and
// a write by an actor who may not change a resource another team owns is refused with 403 naming it and its owner.
import type { Actor } from "../actor";
import { ApiError } from "../errors";
import type { DraftRows } from "../config/draft-mapper";
import { carryOwners, ownershipRefusal } from "./ownership-rules";

/**
 * Carries owners from `before` onto `after` and throws the 403 when `actor` may not make this change. Returns the
 * teams to record with the DraftChange log: null for an actor who may change anything (admins, the console's own
 * work with no request actor), else the actor's teams, which the publish check reads (publish-check.ts).
 */
export function checkOwnership(actor: Actor | null, before: DraftRows, after: DraftRows): { actorTeams: string[] | null } {
  carryOwners(before, after);
  if (!actor || actor.role === "admin") return { actorTeams: null };
  const refusal = ownershipRefusal(actor, before, after);
  if (refusal) throw new ApiError(403, "forbidden", refusal);
  return { actorTeams: [...actor.teams] };
}
