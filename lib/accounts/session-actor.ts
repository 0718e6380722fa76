// The Actor behind a browser request: the signalbox_session cookie, looked up by better-auth in the Session table
// on every request (no cookie cache), so a revoked session or a removed user stops working at once.
import type { Actor } from "../actor";
import { toRole } from "./roles";
import { auth } from "./auth";
import { requestSource } from "./request-source";
import { teamsOfUser } from "../teams/membership";
import { environmentsOfUser } from "../repos/user-repo";

export interface SessionActor {
  actor: Actor;
  user: { id: string; email: string; name: string };
  /** Set-Cookie values when better-auth extended the session (its cookie gets the new expiry) */
  setCookies: string[];
}

export async function sessionActor(headers: Headers): Promise<SessionActor | null> {
  if (!(headers.get("cookie") ?? "").includes("signalbox_session")) return null;
  const r = await auth().api.getSession({ headers, returnHeaders: true });
  const found = r.response;
  if (!found) return null;
  const u = found.user as { id: string; email: string; name: string; role?: unknown };
  // read on every request, like the role: a changed limit applies to the next one
  const [teams, environments] = await Promise.all([teamsOfUser(u.id), environmentsOfUser(u.id)]);
  return {
    actor: {
      kind: "user", id: u.id, name: u.email, role: toRole(u.role), sessionId: found.session.id, source: requestSource(headers), teams,
      ...(environments ? { environments } : {}),
    },
    user: { id: u.id, email: u.email, name: u.name },
    setCookies: r.headers?.getSetCookie?.() ?? [],
  };
}
