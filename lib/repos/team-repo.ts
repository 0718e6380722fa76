// Team and TeamMember: the teams that own draft resources (lib/teams/) and who is in them.
import { db, type Tx } from "../db";

export interface TeamRow { name: string; createdAt: Date; members: { id: string; email: string; name: string }[] }

const select = { name: true, createdAt: true, members: { select: { user: { select: { id: true, email: true, name: true } } } } } as const;
type Selected = { name: string; createdAt: Date; members: { user: { id: string; email: string; name: string } }[] };
const toRow = (t: Selected): TeamRow => ({
  name: t.name, createdAt: t.createdAt,
  members: t.members.map((m) => m.user).sort((a, b) => a.email.localeCompare(b.email)),
});

export async function listTeams(tx: Tx = db()): Promise<TeamRow[]> {
  return (await tx.team.findMany({ select, orderBy: { name: "asc" } })).map(toRow);
}

export async function findTeam(name: string, tx: Tx = db()): Promise<TeamRow | null> {
  const t = await tx.team.findUnique({ where: { name }, select });
  return t ? toRow(t) : null;
}

/** The names among `names` that are teams. */
export async function existingTeams(names: string[], tx: Tx = db()): Promise<string[]> {
  return (await tx.team.findMany({ where: { name: { in: names } }, select: { name: true } })).map((t) => t.name);
}

export async function insertTeam(name: string, tx: Tx = db()): Promise<TeamRow> {
  return toRow(await tx.team.create({ data: { name }, select }));
}

/** Deletes team `name` and its memberships; false when there is none. */
export async function deleteTeam(name: string, tx: Tx = db()): Promise<boolean> {
  return (await tx.team.deleteMany({ where: { name } })).count === 1;
}

/** Makes `userIds` the members of team `name` (which must exist). */
export async function setTeamMembers(name: string, userIds: string[], tx: Tx = db()): Promise<void> {
  const team = await tx.team.findUniqueOrThrow({ where: { name }, select: { id: true } });
  await tx.teamMember.deleteMany({ where: { teamId: team.id } });
  if (userIds.length) await tx.teamMember.createMany({ data: userIds.map((userId) => ({ teamId: team.id, userId })) });
}

/** The names of the teams user `userId` is in, sorted. */
export async function teamsOfUser(userId: string, tx: Tx = db()): Promise<string[]> {
  const rows = await tx.teamMember.findMany({ where: { userId }, select: { team: { select: { name: true } } } });
  return rows.map((r) => r.team.name).sort();
}

/** Makes user `userId` a member of exactly `names`, creating the teams that do not exist yet. */
export async function replaceUserTeams(userId: string, names: string[], tx: Tx = db()): Promise<void> {
  for (const name of names) await tx.team.upsert({ where: { name }, create: { name }, update: {} });
  const teams = await tx.team.findMany({ where: { name: { in: names } }, select: { id: true } });
  await tx.teamMember.deleteMany({ where: { userId } });
  if (teams.length) await tx.teamMember.createMany({ data: teams.map((t) => ({ teamId: t.id, userId })) });
}

/** Ids among `ids` that are users. */
export async function existingUserIds(ids: string[], tx: Tx = db()): Promise<string[]> {
  return (await tx.user.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((u) => u.id);
}
