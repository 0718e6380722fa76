// The publish guard's watcher, one per console process (started by server.ts). After a guarded publish it
// checks, once a second, the 5xx ratio of what the publish changed (affected.ts, ratio.ts) over the window so
// far; over the limit with enough responses it publishes a rollback to the previous version, authored by
// `guard`, with the reason as its message. One guard runs at a time: a newer publish, a manual rollback or a
// newer guard ends it (cancelled). Runs are kept in GuardRun, so a restart resumes one whose window is still
// open (the frames before the restart were in memory and are gone: it judges what arrives from then on) and
// expires one whose window ended while the console was down.
import type { GuardParams } from "../contract/guard";
import { rollback } from "../config/rollback";
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
  readonly #now: () => number;
  readonly #frames: (from: number, to: number) => Iterable<TimedFrame>;
  readonly #log: (m: string) => void;

  constructor(o: GuardWatcherOptions = {}) {
    this.#now = o.now ?? Date.now;
    this.#frames = o.frames ?? ((from, to) => getTelemetry()?.window.frames(from, to) ?? []);
    this.#log = (m) => (o.log ?? console.log)(`[guard] ${m}`);
  }

  /** Resumes or expires the runs a previous console left running, then checks once a second. */
  async start(): Promise<void> {
    const runs = await runningGuardRuns();
    for (const [i, run] of runs.entries()) {
      const endsAt = run.startedAt.getTime() + run.params.windowS * 1000;
      const v = await getVersion(run.versionId);
      const live = v ? await getLiveVersionId(v.environment) : null;
      if (i < runs.length - 1 || live !== run.versionId || !v) await this.#end(run, v?.number ?? null, "cancelled", `guard: v${v?.number ?? "?"} is no longer live`);
      else if (endsAt <= this.#now()) await this.#end(run, v.number, "expired", "guard: the console was down when the window ended; nothing was judged after the restart");
      else {
        this.#active = await this.#activate(run, v);
        this.#log(`resumed the guard of v${v.number} (${Math.round((endsAt - this.#now()) / 1000)} s left)`);
      }
    }
    this.#timer = setInterval(() => void this.tick(), TICK_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#ticking;
  }

  /** The running guard's version id, if any. */
  get activeVersionId(): string | null {
    return this.#active?.run.versionId ?? null;
  }

  /** Starts guarding `version` (just published); a guard still running for an older one is cancelled. */
  async guard(version: Version, params: GuardParams): Promise<GuardRun> {
    if (!version.parentId) throw new Error("guard: the version has no previous version to roll back to");
    const previous = this.#active;
    this.#active = null;
    if (previous) await this.#end(previous.run, previous.number, "cancelled", `guard: superseded by v${version.number}`);
    const run = await createGuardRun({ versionId: version.id, previousVersionId: version.parentId, params, startedAt: new Date(this.#now()) });
    this.#active = await this.#activate(run, version);
    this.#log(`guarding v${version.number} for ${params.windowS} s: ${this.#active.targets.map((t) => t.text).join(", ") || "all traffic"}`);
    return run;
  }

  /** One check; exposed for tests. Ticks never overlap. */
  async tick(): Promise<void> {
    if (this.#ticking) return this.#ticking;
    this.#ticking = this.#check().finally(() => (this.#ticking = null));
    return this.#ticking;
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
        await abortCanary(run.versionId, GUARD_ACTOR, reason, "guard_aborted");
        if (!(await endGuardRun(run.id, "rolled_back", reason, run.previousVersionId))) return;
        this.#event("guard_rollback", run, a.number, { reason, canaryAborted: true, target: bad.text, errors: bad.errors, total: bad.total });
        this.#log(`${reason}: aborted the canary of v${a.number}`);
      } catch (e) {
        await this.#end(run, a.number, "failed", `${reason}; guard: aborting the canary of v${a.number} failed: ${(e as Error).message}`);
      }
      return;
    }
    // a publish between the check and here must not be undone by a rollback meant for the version before it
    if ((await getLiveVersionId(a.environment)) !== run.versionId) return this.#end(run, a.number, "cancelled", `guard: v${a.number} was replaced before the rollback`);
    try {
      // the draft is reset to the rolled-back version even when it has unpublished edits: the traffic comes first
      // (the audit's version.rollback entry lists what was discarded)
      const { value: v } = await inEnvironment(a.environment, () => rollback(run.previousVersionId, GUARD_ACTOR, { message: reason, discardDraft: true, onlyIfLive: run.versionId }));
      if (!(await endGuardRun(run.id, "rolled_back", reason, v.id))) return;
      await recordAudit({ actor: GUARD_ACTOR, action: "guard.rollback", target: run.versionId, details: { number: a.number, rollbackVersionId: v.id, rollbackNumber: v.number, reason, params: run.params, target: bad.text, errors: bad.errors, total: bad.total } });
      this.#event("guard_rollback", run, a.number, { reason, rollbackVersionId: v.id, rollbackNumber: v.number, target: bad.text, errors: bad.errors, total: bad.total });
      this.#log(`${reason}: rolled back v${a.number} as v${v.number}`);
    } catch (e) {
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
