// Teams (admin): list, create, delete, set members (GET/POST /api/teams, DELETE /api/teams/{name},
// PUT /api/teams/{name}/members). Deleting a team leaves what it owned unowned. Every change is audited.
import type { Actor } from "../actor";
import type { TeamInfo } from "../contract/teams";
import { ApiError, conflict, notFound } from "../errors";
import { addAudit } from "../repos/audit-repo";
import { clearDraftOwners } from "../repos/draft-repo";
import { deleteTeam, existingUserIds, findTeam, insertTeam, listTeams, setTeamMembers, type TeamRow } from "../repos/team-repo";
import { transaction } from "../repos/transaction";
import { forgetDraftReads } from "../config/draft-read";

const info = (t: TeamRow): TeamInfo => ({ name: t.name, createdAt: t.createdAt.toISOString(), members: t.members });

export async function teams(): Promise<TeamInfo[]> {
  return (await listTeams()).map(info);
}

export async function createTeam(name: string, by: Actor): Promise<TeamInfo> {
  return transaction(async (tx) => {
    if (await findTeam(name, tx)) throw conflict(`team ${name} exists already`);
    const t = await insertTeam(name, tx);
    await addAudit(tx, { actor: by, action: "team.create", target: name });
    return info(t);
  });
}

/** Deletes team `name`; the resources it owned (in every environment) become unowned. */
export async function removeTeam(name: string, by: Actor): Promise<{ name: string }> {
  await transaction(async (tx) => {
    if (!(await deleteTeam(name, tx))) throw notFound(`there is no team ${name}`);
    await clearDraftOwners(name, tx);
    await addAudit(tx, { actor: by, action: "team.delete", target: name });
  });
  forgetDraftReads();
  return { name };
}

export async function setMembers(name: string, userIds: string[], by: Actor): Promise<TeamInfo> {
  const ids = [...new Set(userIds)];
  return transaction(async (tx) => {
    if (!(await findTeam(name, tx))) throw notFound(`there is no team ${name}`);
    const known = new Set(await existingUserIds(ids, tx));
    const i = userIds.findIndex((id) => !known.has(id));
    if (i >= 0) throw new ApiError(400, "bad_request", `userIds[${i}]: there is no user ${userIds[i]}`, { errors: [{ path: `userIds[${i}]`, message: `there is no user ${userIds[i]}` }] });
    await setTeamMembers(name, ids, tx);
    await addAudit(tx, { actor: by, action: "team.members", target: name, details: { userIds: ids } });
    const t = await findTeam(name, tx);
    if (!t) throw notFound(`there is no team ${name}`);
    return info(t);
  });
}
