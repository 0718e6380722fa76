// Who is in which team. setUserTeams is what single sign-on calls on every login (the groups claim mapped to
// teams); the Settings → Teams page sets a team's members through team-service.ts.
import { replaceUserTeams, teamsOfUser as teamsOfUserRow } from "../repos/team-repo";
import { transaction } from "../repos/transaction";
import { TeamName } from "../contract/teams";
import { badRequest } from "../errors";

/** The names of the teams user `userId` is in, sorted. */
export async function teamsOfUser(userId: string): Promise<string[]> {
  return teamsOfUserRow(userId);
}

/** Makes user `userId` a member of exactly `teams` (and of no other team), creating the teams that do not exist yet. */
export async function setUserTeams(userId: string, teams: string[]): Promise<void> {
  const names = [...new Set(teams)];
  names.forEach((n, i) => {
    const r = TeamName.safeParse(n);
    if (!r.success || r.data !== n) throw badRequest(`teams[${i}]: ${JSON.stringify(n)} is no team name (lowercase letters, digits and dashes, at most 63)`);
  });
  await transaction((tx) => replaceUserTeams(userId, names, tx));
}
