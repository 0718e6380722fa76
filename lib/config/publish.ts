// Publishing: the draft becomes a new immutable version, live at once and pushed to every connected worker.
// Refused when it would record nothing: a publish needs a message (400, field `message`) and a draft that
// differs from the live version, its route tests included (409 no_changes). Gated by the draft's route tests
// (route-tests-run.ts): a draft failing them is refused (409 route_tests_failed) unless the publish overrides them
// with a reason, which is audited (`version.publish.override`). Every version keeps the suite it was published with.
import { ApiError, InvalidConfigError, conflict } from "../errors";
import { transaction } from "../repos/transaction";
import { addAudit } from "../repos/audit-repo";
import { loadDraftRows } from "../repos/draft-repo";
import { getLiveVersionId, swapLiveVersionId } from "../repos/live-state-repo";
import { getDraftSuite, getVersionSuite, setVersionSuite } from "../repos/route-test-repo";
import { countVersions, createVersion, getVersionSummary, type Version } from "../repos/version-repo";
import { canonicalJson, hashResources } from "./canonical";
import { resourceChanges } from "./diff";
import { serialized } from "./draft-lock";
import { composeResources, decompose, type BootstrapDoc } from "./draft-mapper";
import { getLiveVersion } from "./draft-read";
import { checkRevision, writeDraft, type WriteOpts } from "./draft-revision";
import { replaceDraft } from "./draft-write";
import { notifyLive } from "./notify";
import { describeGateFailure, gateCheck } from "./route-tests-run";
import { nameRoutes } from "./route-names";
import { starterDocument } from "./starter";
import { validateDocument } from "./validation";
import { secretKinds } from "../secrets/secret-service";
import type { CanaryTarget } from "../contract/rollout";
import { notifyCanary, refuseDuringCanary, resolveTarget, startRollout } from "../rollout/canary";
import type { Rollout } from "../repos/rollout-repo";
import { currentEnvironment } from "../environment/scope";
import { takeValidated } from "./validated-draft";
import { currentActor } from "../actor-scope";
import { refuseForeignChanges } from "../teams/publish-check";
import { apiErrorForDb } from "../repos/db-errors";

/** The trimmed message, or a 400 naming the field. */
function requireMessage(message: string): string {
  const m = message.trim();
  if (!m) {
    const text = "a message is required: say what changes and why";
    throw new ApiError(400, "bad_request", `message: ${text}`, { errors: [{ path: "message", message: text }] });
  }
  return m;
}

/** The trimmed override reason (undefined: no override), or a 400 naming the field. */
function overrideReason(o: PublishOpts["overrideRouteTests"]): string | undefined {
  if (o === undefined) return undefined;
  const r = o.reason.trim();
  if (r) return r;
  const text = "an override of failing route tests needs a reason";
  throw new ApiError(400, "bad_request", `overrideRouteTests.reason: ${text}`, { errors: [{ path: "overrideRouteTests.reason", message: text }] });
}

export interface PublishOpts extends WriteOpts {
  /** publish even when the draft fails its route tests; the reason and the failures are audited */
  overrideRouteTests?: { reason: string };
  /** a canary: the version goes to the nodes this targets, not live (lib/rollout/); refused while one runs */
  canary?: CanaryTarget;
}

/**
 * Publishes the draft as a new version, makes it live and pushes it to every connected worker. With If-Match,
 * only the revision that was reviewed is published (409 conflict when the draft changed since). With `canary`,
 * the version starts a canary instead of going live; while one runs, every publish is refused (409 canary_in_progress).
 */
export async function publish(message: string, actor: string, opts: PublishOpts = {}): Promise<Version> {
  const text = requireMessage(message);
  const reason = overrideReason(opts.overrideRouteTests);
  const env = currentEnvironment();
  let rollout = null as Rollout | null;
  const v = await serialized(async () => {
    const revision = await checkRevision(opts);
    await refuseDuringCanary();
    // the draft as the edit that made this revision validated it, or loaded and validated now
    let resources = takeValidated(env, revision);
    if (resources === null) {
      resources = composeResources(await loadDraftRows(env));
      const errors = validateDocument({ static_resources: resources }, await secretKinds());
      if (errors.length) throw new InvalidConfigError(errors, "the draft is not valid; fix it before publishing");
    }
    const hash = hashResources(resources);
    // the live version's hash is enough to tell "no changes": its snapshot is not read
    const liveId = await getLiveVersionId(env);
    const [live, suite] = await Promise.all([liveId ? getVersionSummary(liveId) : null, getDraftSuite(env)]);
    // teams: a change made by someone with no right to a resource a team now owns needs an admin to publish it
    await refuseForeignChanges(currentActor(), env, live?.createdAt ?? null, () => loadDraftRows(env));
    if (live && live.hash === hash && canonicalJson(await getVersionSuite(live.id)) === canonicalJson(suite))
      throw new ApiError(409, "no_changes", `the draft is identical to live version v${live.number}: change it before publishing`);
    const gate = gateCheck(resources, suite);
    if (gate !== null && reason === undefined)
      throw new ApiError(409, "route_tests_failed", `${describeGateFailure(gate)}. Fix the draft or its tests, or publish with an override and a reason`, { ...gate });
    if (opts.canary && !live) {
      const m = "nothing is live yet, so there is no version for the other nodes to keep: publish normally first";
      throw new ApiError(400, "bad_request", `canary: ${m}`, { errors: [{ path: "canary", message: m }] });
    }
    const canaryNodes = opts.canary ? await resolveTarget(opts.canary, hash) : null;
    return transaction(async (tx) => {
      const version = await createVersion(tx, env, { hash, author: actor, message: text, snapshot: resources, parentId: live?.id ?? null, rollbackOfId: null });
      await setVersionSuite(tx, version.id, suite);
      // a canary leaves the live version as it is: only the nodes it targets get the new one (lib/rollout/). Both
      // paths go through the live pointer's row, so a canary and a publish racing on two console replicas are
      // ordered by it: the canary checks the pointer did not move, the publish that no canary started meanwhile.
      if (opts.canary) {
        await swapLiveVersionId(tx, env, liveId, liveId!);
        rollout = await startRollout(tx, version, opts.canary, canaryNodes, actor);
      } else {
        await swapLiveVersionId(tx, env, liveId, version.id);
        await refuseDuringCanary(tx);
      }
      await addAudit(tx, { actor, action: "version.publish", target: version.id, details: { environment: env, number: version.number, hash: version.hash, message: text, ifMatch: opts.ifMatch != null, ...(opts.canary ? { canary: opts.canary, canaryNodes } : {}) } });
      if (gate !== null)
        await addAudit(tx, { actor, action: "version.publish.override", target: version.id, details: { number: version.number, reason, tests: gate.tests, failures: gate.failures, runError: gate.runError } });
      return version;
    });
  });
  if (rollout) notifyCanary(env, v, rollout);
  else notifyLive(v);
  return v;
}

/**
 * Edits the draft and publishes it as one step under the config lock, for automated changes (the demo).
 * Refuses with 409 when the draft has unpublished changes: they would go live with it, unreviewed. `change`
 * gets a copy of the draft document and returns the next one; it may throw an ApiError to refuse.
 */
export async function publishChange(change: (doc: BootstrapDoc) => BootstrapDoc, message: string, actor: string): Promise<Version> {
  const text = requireMessage(message);
  const env = currentEnvironment();
  const v = await serialized(async () => {
    const from = await checkRevision({});
    await refuseDuringCanary();
    const [before, live] = await Promise.all([loadDraftRows(env), getLiveVersion()]);
    const current = composeResources(before);
    const pending = live ? resourceChanges(live.snapshot, current).length : current.listeners.length + current.clusters.length;
    if (pending > 0)
      throw conflict(`the draft has ${pending} unpublished change${pending === 1 ? "" : "s"}: publish ${pending === 1 ? "it" : "them"} (Review & publish) or discard ${pending === 1 ? "it" : "them"} first, so unreviewed work does not go live with this change`);
    const next = change(structuredClone({ static_resources: current }));
    const errors = validateDocument(next, await secretKinds());
    if (errors.length) throw new InvalidConfigError(errors);
    // routes get a name and stat_prefix where they have none (route-names.ts), in the draft and the version alike
    const named = nameRoutes(decompose({ static_resources: { listeners: next.static_resources.listeners ?? [], clusters: next.static_resources.clusters ?? [] } }));
    const resources = composeResources(named);
    return transaction(async (tx) => {
      await writeDraft(tx, {
        before, after: named, from, actor, opts: {},
        audit: { action: "draft.replace", target: "draft", details: { listeners: resources.listeners.length, clusters: resources.clusters.length, hash: hashResources(resources) } },
      });
      const version = await createVersion(tx, env, { hash: hashResources(resources), author: actor, message: text, snapshot: resources, parentId: live?.id ?? null, rollbackOfId: null });
      await setVersionSuite(tx, version.id, await getDraftSuite(env, tx));
      await swapLiveVersionId(tx, env, live?.id ?? null, version.id);
      await refuseDuringCanary(tx);
      await addAudit(tx, { actor, action: "version.publish", target: version.id, details: { environment: env, number: version.number, hash: version.hash, message: text } });
      return version;
    });
  });
  notifyLive(v);
  return v;
}

/**
 * On an empty database: the starter document becomes the default environment's draft and version 1 (author
 * "system"). Replicas started together on an empty database race for it: the ones that lose (409: the draft or
 * the live pointer moved under them) find the winner's version.
 */
export async function ensureStarterVersion(): Promise<Version | null> {
  if ((await countVersions()) > 0) return null;
  try {
    await replaceDraft(starterDocument(), "system");
    return await publish("Starter configuration", "system");
  } catch (e) {
    const status = e instanceof ApiError ? e.status : apiErrorForDb(e)?.status;
    if (status === 409 && (await countVersions()) > 0) return null;
    throw e;
  }
}

