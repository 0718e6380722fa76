// Which environments an actor may change. An editor may be limited to some environments (User.environments, set
// in Settings → Users): every write that needs the editor role is refused in the others, whatever it changes there
// (a draft edit, a publish, a rollback, route tests, a canary, a guard's banner, a promotion into it), while reading
// every environment stays allowed. Admins are never limited. withHandler (lib/http.ts) is the one place that asks,
// for the environment the request acts on or the one a route declares it changes (`environment`: a promotion's
// target, a canary's or a guard's version).
import type { Actor } from "../actor";
import { ApiError } from "../errors";
import { getGuardRun } from "../repos/guard-repo";
import { getVersionSummary } from "../repos/version-repo";

/** The environments `actor` may change, or null: every one. */
export function limitedTo(actor: Pick<Actor, "role" | "environments">): string[] | null {
  if (actor.role === "admin") return null;
  const only = actor.environments;
  return only && only.length > 0 ? only : null;
}

/** Whether `actor` may change environment `env`. */
export function mayChangeEnvironment(actor: Pick<Actor, "role" | "environments">, env: string): boolean {
  const only = limitedTo(actor);
  return only === null || only.includes(env);
}

/** 403 naming the environment when `actor` may not change it. */
export function checkEnvironmentAccess(actor: Pick<Actor, "role" | "environments">, env: string, what: string): void {
  if (mayChangeEnvironment(actor, env)) return;
  throw new ApiError(
    403,
    "forbidden",
    `${what} changes environment ${env}: you may change environments ${(actor.environments ?? []).join(", ")} only (an admin sets this in Settings → Users)`,
    { environment: env },
  );
}

/** The environment version `id` belongs to (what a canary's promote or abort changes); null when there is none. */
export async function environmentOfVersion(id: string): Promise<string | null> {
  return (await getVersionSummary(id))?.environment ?? null;
}

/** The environment of guard run `id`'s version (what acknowledging its rollback changes); null when there is none. */
export async function environmentOfGuard(id: string): Promise<string | null> {
  const run = await getGuardRun(id);
  return run ? environmentOfVersion(run.versionId) : null;
}
