// What the API does with guards: a guarded publish (POST /api/versions with `guard`), the list of runs
// (GET /api/guards) and acknowledging a rollback (POST /api/guards/{id}/ack). Runs in Next's bundle: the
// watcher itself is reached through registry.ts.
import type { z } from "zod";
import type { GuardParams, GuardRunView } from "../contract/guard";
import { ApiError, notFound } from "../errors";
import { getLiveVersionId } from "../repos/live-state-repo";
import { acknowledgeGuardRun, getGuardRun, listGuardRuns, type GuardRun } from "../repos/guard-repo";
import { recordAudit } from "../repos/audit-repo";
import { versionNumbers, type Version } from "../repos/version-repo";
import { publish } from "../config/publish";
import { requireGuardWatcher } from "./registry";
import { currentEnvironment } from "../environment/scope";

/**
 * Publishes the draft and, with `guard`, starts watching it. Checked before publishing, so a refusal publishes
 * nothing: the watcher must run (503) and there must be a live version to roll back to (400, field `guard`).
 */
export async function publishWithGuard(message: string, guard: GuardParams | undefined, actor: string, opts: Parameters<typeof publish>[2] = {}): Promise<Version & { guard?: z.input<typeof GuardRunView> }> {
  if (!guard) return publish(message, actor, opts);
  const watcher = requireGuardWatcher();
  if (!(await getLiveVersionId(currentEnvironment()))) {
    const text = "nothing is live yet, so there is no version to roll back to";
    throw new ApiError(400, "bad_request", `guard: ${text}`, { errors: [{ path: "guard", message: text }] });
  }
  const v = await publish(message, actor, opts);
  const run = await watcher.guard(v, guard);
  await recordAudit({ actor, action: "guard.start", target: v.id, details: { number: v.number, previousVersionId: run.previousVersionId, ...guard } });
  return { ...v, guard: (await views([run]))[0] };
}

async function views(runs: GuardRun[]): Promise<z.input<typeof GuardRunView>[]> {
  const numbers = await versionNumbers([...new Set(runs.flatMap((r) => [r.versionId, r.previousVersionId]))]);
  return runs.map((r) => ({ ...r, versionNumber: numbers.get(r.versionId) ?? null, previousVersionNumber: numbers.get(r.previousVersionId) ?? null }));
}

export async function listGuardViews(unacknowledged: boolean) {
  return { guards: await views(await listGuardRuns({ unacknowledged })) };
}

/** Takes a rollback off the Overview's banner (idempotent); 404 for an unknown id. */
export async function acknowledgeGuard(id: string, actor: string) {
  if (!(await getGuardRun(id))) throw notFound(`guard ${id} not found`);
  await acknowledgeGuardRun(id, actor);
  const run = (await getGuardRun(id))!;
  return (await views([run]))[0];
}
