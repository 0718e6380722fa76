import { withHandler } from "@/lib/http";
import { TeamInfo, TeamMembersBody } from "@/lib/contract/teams";
import { setMembers } from "@/lib/teams/team-service";

/** Sets a team's members (admin): {userIds}, all of them → the team. 400 naming an unknown user id. */
export const PUT = withHandler({ role: "admin", body: TeamMembersBody, response: TeamInfo }, async ({ params, body, actor }) => setMembers(params.name, body.userIds, actor));
