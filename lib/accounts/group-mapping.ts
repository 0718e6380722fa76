// The provider's groups claim to a console role and teams (Settings → Single sign-on, `groupMapping`).
import type { GroupMapping } from "../contract/accounts";
import type { Role } from "../contract/session";

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** The groups in a claim: an array of strings, or one space/comma-separated string (some providers send that). */
export function groupsOf(claims: Record<string, unknown> | null, claim: string): string[] {
  const v = claims?.[claim];
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === "string");
  if (typeof v === "string") return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** The highest role of the mapped groups (viewer when none maps) and the union of their teams. */
export function mapGroups(groups: string[], mapping: GroupMapping): { role: Role; teams: string[] } {
  let role: Role = "viewer";
  const teams = new Set<string>();
  for (const g of groups) {
    const rule = Object.hasOwn(mapping.groups, g) ? mapping.groups[g] : undefined;
    if (!rule) continue;
    if (rule.role && RANK[rule.role] > RANK[role]) role = rule.role;
    for (const t of rule.teams ?? []) teams.add(t);
  }
  return { role, teams: [...teams].sort() };
}
