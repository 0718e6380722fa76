// The Actor behind a Bearer API token (named, role-scoped, stored hashed: token-service.ts). Worker tokens are no
// API credential: they only open /ws/worker.
import type { Actor } from "../actor";
import type { Role } from "../contract/session";
import { liveToken } from "./token-service";

/** The token's actor, or null when `secret` is no live token (unknown, revoked or expired). */
export async function tokenActor(secret: string, source: string | null): Promise<Actor | null> {
  const t = await liveToken(secret, "api");
  if (!t) return null;
  // a token with a team acts for that team (lib/teams/): an editor token changes only what the team owns
  return { kind: "token", id: t.id, name: t.name, role: (t.role as Role | null) ?? "viewer", sessionId: null, source, teams: t.team ? [t.team] : [] };
}
