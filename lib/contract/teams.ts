// Teams (GET/POST /api/teams, DELETE /api/teams/{name}, PUT /api/teams/{name}/members) and ownership of draft
// resources (PUT /api/draft/ownership). A team owns virtual hosts, routes and clusters: editors may change only
// what is unowned or owned by one of their teams; a route without an owner of its own follows its virtual host.
import { z } from "zod";
import { IsoTime } from "./common";

export const TeamName = z
  .string()
  .trim()
  .min(1, "a team needs a name")
  .max(63, "a team name is at most 63 characters")
  .regex(/^[a-z0-9-]+$/, "a team name is lowercase letters, digits and dashes");

export const TeamMemberInfo = z.object({ id: z.string(), email: z.string(), name: z.string() });

export const TeamInfo = z.object({
  name: z.string(),
  createdAt: IsoTime,
  members: z.array(TeamMemberInfo),
});
export type TeamInfo = z.infer<typeof TeamInfo>;
export const TeamList = z.array(TeamInfo);

export const CreateTeamBody = z.object({ name: TeamName });
export type CreateTeamBody = z.infer<typeof CreateTeamBody>;

/** PUT /api/teams/{name}/members: the team's members, all of them (ids of users). */
export const TeamMembersBody = z.object({ userIds: z.array(z.string().min(1)).max(10_000) });
export type TeamMembersBody = z.infer<typeof TeamMembersBody>;

export const DeletedTeam = z.object({ name: z.string() });

export const OwnedKind = z.enum(["virtual_host", "route", "cluster"]);
export type OwnedKind = z.infer<typeof OwnedKind>;

/**
 * PUT /api/draft/ownership (admin): sets or clears (team: null) the owner of one draft resource. A route is named
 * by its id (as GET /api/draft/routes gives it), a virtual host by its listener and name, a cluster by its name.
 */
export const OwnershipBody = z
  .object({
    kind: OwnedKind,
    id: z.string().min(1).optional(),
    listener: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    team: TeamName.nullable(),
  })
  .superRefine((b, ctx) => {
    if (b.kind === "route" && b.id === undefined) ctx.addIssue({ code: "custom", path: ["id"], message: "a route is named by its id" });
    if (b.kind === "virtual_host" && b.listener === undefined) ctx.addIssue({ code: "custom", path: ["listener"], message: "a virtual host is named by its listener and name" });
    if (b.kind !== "route" && b.name === undefined) ctx.addIssue({ code: "custom", path: ["name"], message: `a ${b.kind === "cluster" ? "cluster" : "virtual host"} is named by its name` });
  });
export type OwnershipBody = z.infer<typeof OwnershipBody>;

export const Ownership = z.object({ kind: OwnedKind, id: z.string(), name: z.string(), owner: z.string().nullable() });
export type Ownership = z.infer<typeof Ownership>;

/** GET /api/teams/mine: the teams of whoever is calling (any role), and whether they may change everything. */
export const MyTeams = z.object({ teams: z.array(z.string()), admin: z.boolean() });
export type MyTeams = z.infer<typeof MyTeams>;
