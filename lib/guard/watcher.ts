// The publish guard's watcher. Every console process has one (server.ts puts it in registry.ts), but only the
// replica holding the "guard" lease runs it (lib/replicas/singleton-jobs.ts): a guarded publish on whichever replica
// writes a GuardRun, and the running watcher takes up the newest one within a tick (at once on its own replica).
// Once a second it checks the 5xx ratio of what the publish changed (affected.ts, ratio.ts) over the window so
// far; over the limit with enough responses it publishes a rollback to the previous version, authored by
// `guard`, with the reason as its message, fenced by the lease (a replica that lost it meanwhile writes nothing).
// One guard runs at a time: a newer publish, a manual rollback or a newer guard ends it (cancelled). Runs are kept
// in GuardRun, so the next holder (after a restart or a takeover) resumes one whose window is still open (the
// frames before were in memory and are gone: it judges what arrives from then on) and expires one whose window
// ended while no replica ran the watcher.
import type { GuardParams } from "../contract/guard";
import { rollback } from "../config/rollback";
import { ApiError } from "../errors";
import { fence, type LeaseGrant } from "../replicas/lease";
import { recordAudit } from "../repos/audit-repo";
import { createGuardRun, endGuardRun, runningGuardRuns, type GuardRun } from "../repos/guard-repo";
import { getLiveVersionId } from "../repos/live-state-repo";
import { getVersion, type Version } from "../repos/version-repo";
import { getRunningRollout } from "../repos/rollout-repo";
import { inEnvironment } from "../environment/scope";
import { abortCanary } from "../rollout/rollout-service";
import type { TimedFrame } from "../telemetry/aggregate";
import { getTelemetry } from "../telemetry/registry";
import { affectedTargets, type GuardTarget } from "./affected";
import { breach, breachReason, countTargets } from "./ratio";

export const GUARD_ACTOR = "guard";
const TICK_MS = 1000;

export interface GuardWatcherOptions {
  /** the live per-second frames of every node with `from <= t < to` (epoch ms) */
  frames?: (from: number, to: number) => Iterable<TimedFrame>;
  now?: () => number;
  log?: (m: string) => void;
}

interface Active {
  run: GuardRun;
  /** the guarded version's environment: its live version and canary are what the guard compares against */
  environment: string;
  number: number;
  targets: GuardTarget[];
  endsAt: number;
}

export class GuardWatcher {
  #active: Active | null = null;
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;
  /** the "guard" lease this replica runs the watcher under; null when started without one (tests) */
  #grant: LeaseGrant | null = null;
  #running = false;
  /** syncing and checking run one at a time: a guard() on this replica never interleaves with a tick */
  #chain: Promise<unknown> = Promise.resolve();
  readonly #now: () => number;
  readonly #frames: (from: number, to: number) => Iterable<TimedFrame>;
  readonly #log: (m: string) => void;

  constructor(o: GuardWatcherOptions = {}) {
    this.#now = o.now ?? Date.now;
    this.#frames = o.frames ?? ((from, to) => getTelemetry()?.window.frames(from, to) ?? []);
    this.#log = (m) => (o.log ?? console.log)(`[guard] ${m}`);
  }

  /**
   * Runs the watcher on this replica (under `grant`, which fences its rollbacks): takes up the newest running guard
   * (resumed, or expired when its window is over) and cancels older ones, then checks once a second.
   */
  async start(grant?: LeaseGrant): Promise<void> {
    this.#grant = grant ?? null;
    this.#active = null;
    this.#running = true;
    await this.#exclusive(() => this.#sync("start"));
    this.#timer = setInterval(() => void this.tick().catch((e) => this.#log(`check failed: ${(e as Error).message}`)), TICK_MS);
    this.#timer.unref();
  }

  /** Stops checking (the lease went to another replica, or the console stops); a check under way is awaited. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#ticking?.catch(() => {});
    await this.#chain;
    this.#active = null;
    this.#grant = null;
  }

  /** The running guard's version id (null when none runs, and on a replica that does not run the watcher). */
  get activeVersionId(): string | null {
    return this.#active?.run.versionId ?? null;
  }

  /**
   * Starts guarding `version` (just published). On the replica running the watcher it is taken up at once and a
   * guard still running for an older version is cancelled; elsewhere the replica holding the lease does that at
   * its next tick.
   */
  async guard(version: Version, params: GuardParams): Promise<GuardRun> {
    if (!version.parentId) throw new Error("guard: the version has no previous version to roll back to");
    const run = await createGuardRun({ versionId: version.id, previousVersionId: version.parentId, params, startedAt: new Date(this.#now()) });
    if (this.#running) await this.#exclusive(() => this.#sync("guard"));
    return run;
  }

  /** One check; exposed for tests. Ticks never overlap. */
  async tick(): Promise<void> {
    if (this.#ticking) return this.#ticking;
    this.#ticking = this.#exclusive(async () => {
      await this.#sync("tick");
      await this.#check();
    }).finally(() => (this.#ticking = null));
    return this.#ticking;
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#chain.then(fn);
    this.#chain = p.catch(() => {});
    return p;
  }

  /** Follows GuardRun: the newest running run is the one judged (started on whichever replica); older ones were superseded. */
  async #sync(by: "start" | "guard" | "tick"): Promise<void> {
    const runs = await runningGuardRuns();
    const newest = runs.at(-1);
    if (this.#active && this.#active.run.id !== newest?.id) this.#active = null;
    if (!newest || this.#active) return;
    const v = await getVersion(newest.versionId);
    for (const old of runs.slice(0, -1)) {
      const number = (await getVersion(old.versionId))?.number ?? null;
      await this.#end(old, number, "cancelled", `guard: superseded by v${v?.number ?? "?"}`);
    }
    if (!v) return this.#end(newest, null, "cancelled", "guard: the guarded version no longer exists");
    const endsAt = newest.startedAt.getTime() + newest.params.windowS * 1000;
    if (endsAt <= this.#now()) return this.#end(newest, v.number, "expired", "guard: no console was running the guard when the window ended; nothing was judged after that");
    this.#active = await this.#activate(newest, v);
    const left = `${Math.round((endsAt - this.#now()) / 1000)} s left`;
    const what = this.#active.targets.map((t) => t.text).join(", ") || "all traffic";
    if (by === "guard") this.#log(`guarding v${v.number} for ${newest.params.windowS} s: ${what}`);
    else this.#log(`${by === "start" ? "resumed" : "took up"} the guard of v${v.number} (${left}${by === "tick" ? ", started on another replica" : ""}): ${what}`);
  }

  async #activate(run: GuardRun, version: Version): Promise<Active> {
    const previous = await getVersion(run.previousVersionId);
    return { run, environment: version.environment, number: version.number, targets: previous ? affectedTargets(previous.snapshot, version.snapshot) : [], endsAt: run.startedAt.getTime() + run.params.windowS * 1000 };
  }

  async #check(): Promise<void> {
    const a = this.#active;
    if (!a) return;
    const live = await getLiveVersionId(a.environment);
    const canary = (await getRunningRollout(a.environment))?.versionId === a.run.versionId;
    if (this.#active !== a) return;
    if (live !== a.run.versionId && !canary) {
      this.#active = null;
      const v = live ? await getVersion(live) : null;
      await this.#end(a.run, a.number, "cancelled", `guard: v${a.number} was replaced by ${v ? `v${v.number}` : "another version"} before its window ended`);
      return;
    }
    const now = this.#now();
    const started = a.run.startedAt.getTime();
    const counts = countTargets(this.#frames(started, Math.min(now, a.endsAt)), a.targets);
    const seconds = (Math.min(now, a.endsAt) - started) / 1000;
    const bad = breach(counts, a.run.params);
    if (bad) {
      this.#active = null;
      await this.#rollBack(a, breachReason(bad, seconds, a.run.params.maxErrorRatio), bad);
    } else if (now >= a.endsAt) {
      this.#active = null;
      const total = counts.reduce((n, c) => n + c.total, 0);
      const errors = counts.reduce((n, c) => n + c.errors, 0);
      await this.#end(a.run, a.number, "passed", `guard: v${a.number} passed: ${errors}/${total} responses 5xx over ${a.run.params.windowS} s on ${counts.map((c) => c.text).join(", ")}`);
    }
  }

  async #rollBack(a: Active, reason: string, bad: { text: string; total: number; errors: number }): Promise<void> {
    const { run } = a;
    // a guarded canary (lib/rollout/) is aborted, not rolled back: its nodes go back to the live version
    if ((await getRunningRollout(a.environment))?.versionId === run.versionId) {
      try {
        const grant = this.#grant;
        await abortCanary(run.versionId, GUARD_ACTOR, reason, "guard_aborted", grant ? (tx) => fence(tx, grant) : undefined);
        if (!(await endGuardRun(run.id, "rolled_back", reason, run.previousVersionId))) return;
        this.#event("guard_rollback", run, a.number, { reason, canaryAborted: true, target: bad.text, errors: bad.errors, total: bad.total });
        this.#log(`${reason}: aborted the canary of v${a.number}`);
      } catch (e) {
        if (e instanceof ApiError && e.code === "lease_lost") return this.#log(`not aborting the canary of v${a.number}: ${e.message}`);
        await this.#end(run, a.number, "failed", `${reason}; guard: aborting the canary of v${a.number} failed: ${(e as Error).message}`);
      }
      return;
    }
    // a publish between the check and here must not be undone by a rollback meant for the version before it
    if ((await getLiveVersionId(a.environment)) !== run.versionId) return this.#end(run, a.number, "cancelled", `guard: v${a.number} was replaced before the rollback`);
    try {
      // the draft is reset to the rolled-back version even when it has unpublished edits: the traffic comes first
      // (the audit's version.rollback entry lists what was discarded)
      const grant = this.#grant;
      const { value: v } = await inEnvironment(a.environment, () =>
        rollback(run.previousVersionId, GUARD_ACTOR, { message: reason, discardDraft: true, onlyIfLive: run.versionId, fence: grant ? (tx) => fence(tx, grant) : undefined }),
      );
      if (!(await endGuardRun(run.id, "rolled_back", reason, v.id))) return;
      await recordAudit({ actor: GUARD_ACTOR, action: "guard.rollback", target: run.versionId, details: { number: a.number, rollbackVersionId: v.id, rollbackNumber: v.number, reason, params: run.params, target: bad.text, errors: bad.errors, total: bad.total } });
      this.#event("guard_rollback", run, a.number, { reason, rollbackVersionId: v.id, rollbackNumber: v.number, target: bad.text, errors: bad.errors, total: bad.total });
      this.#log(`${reason}: rolled back v${a.number} as v${v.number}`);
    } catch (e) {
      // the replica that holds the lease now takes the run up and judges it again: it is not this one's to end
      if (e instanceof ApiError && e.code === "lease_lost") return this.#log(`not rolling back v${a.number}: ${e.message}`);
      const why = `guard: rolling back v${a.number} failed: ${(e as Error).message}`;
      this.#log(why);
      await this.#end(run, a.number, "failed", `${reason}; ${why}`);
    }
  }

  async #end(run: GuardRun, number: number | null, state: "passed" | "cancelled" | "expired" | "failed", reason: string): Promise<void> {
    if (!(await endGuardRun(run.id, state, reason))) return;
    this.#event(`guard_${state}`, run, number, { reason });
    this.#log(reason);
  }

  #event(kind: string, run: GuardRun, number: number | null, details: Record<string, unknown>) {
    getTelemetry()?.events.record({
      ts: this.#now(), node: "console", kind,
      details: { guardId: run.id, versionId: run.versionId, number, previousVersionId: run.previousVersionId, ...run.params, ...details },
    });
  }
}
