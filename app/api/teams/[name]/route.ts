import { withHandler } from "@/lib/http";
import { DeletedTeam } from "@/lib/contract/teams";
import { removeTeam } from "@/lib/teams/team-service";

/** Deletes a team (admin); what it owned becomes unowned. 404 when there is none. */
export const DELETE = withHandler({ role: "admin", response: DeletedTeam }, async ({ params, actor }) => removeTeam(params.name, actor));
