// Who is acting: every API request, audit entry and publish carries one Actor. Roles, from least to most:
// viewer (reads), editor (edits drafts, publishes, rolls back), admin (users, tokens, settings, everything).
import type { Role } from "./contract/session";

export type { Role } from "./contract/session";

export interface Actor {
  /** user: a person signed in; token: a named API token; bootstrap: SIGNALBOX_ADMIN_TOKEN; system: the console itself (guard, canary timers) */
  kind: "user" | "token" | "bootstrap" | "system";
  /** the user's or token's id; "bootstrap" / "guard" / "system" otherwise */
  id: string;
  /** what the audit shows: the user's email, the token's name, "admin token", "guard", "system" */
  name: string;
  role: Role;
  /** the session behind a browser request (revocable), null for tokens */
  sessionId: string | null;
  /** the address the request came from (x-forwarded-for is not trusted), null when not known */
  source: string | null;
  /**
   * the teams it acts for (lib/teams/): a user's memberships, a token's team; an editor may change only draft
   * resources that are unowned or owned by one of them. Bootstrap and system actors have none (they are admins).
   */
  teams: string[];
  /**
   * the environments a signed-in editor may change (User.environments); absent or empty: every environment.
   * Reading is never limited, and neither is an admin (lib/environment/environment-access.ts).
   */
  environments?: string[];
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** Whether `actor` holds at least `role`. */
export function hasRole(actor: Pick<Actor, "role">, role: Role): boolean {
  return RANK[actor.role] >= RANK[role];
}

export const SYSTEM_ACTOR: Actor = { kind: "system", id: "system", name: "system", role: "admin", sessionId: null, source: null, teams: [] };
export const GUARD_ACTOR: Actor = { kind: "system", id: "guard", name: "guard", role: "admin", sessionId: null, source: null, teams: [] };
