import { withHandler, reply } from "@/lib/http";
import { CreateTeamBody, TeamInfo, TeamList } from "@/lib/contract/teams";
import { createTeam, teams } from "@/lib/teams/team-service";

/** Teams (admin): [{name, createdAt, members: [{id, email, name}]}], by name. */
export const GET = withHandler({ role: "admin", response: TeamList }, async () => teams());

/** Creates a team (admin): {name} (lowercase letters, digits, dashes; ≤ 63) → 201; 409 when it exists. */
export const POST = withHandler({ role: "admin", body: CreateTeamBody, response: TeamInfo }, async ({ body, actor }) => reply(await createTeam(body.name, actor), 201));
