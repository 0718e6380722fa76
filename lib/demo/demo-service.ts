// Demo traffic, end to end: start the sample upstreams, publish the demo config through the config service
// (actor "demo"), wait for the workers to apply it, then run the load; and the reverse. One demo per console
// process; its state lives in a globalThis slot because route handlers run inside Next's bundle, which has
// its own copies of every module (as lib/control-plane/registry.ts explains).
import { ApiError, conflict } from "../errors";
import { publishChange } from "../config/config-service";
import { inEnvironment } from "../environment/scope";
import { DEFAULT_ENVIRONMENT } from "../contract/environments";
import { listNodes } from "../repos/node-repo";
import { starterListener } from "../env";
import type { Version } from "../repos/version-repo";
import { DEMO_DEFAULT_DURATION_S, type DemoConfigRemoval, type DemoStartBody, type DemoStatus, type DemoStopResult, type DemoUpstreamKind } from "./contract";
import { addDemoConfig, DEMO_CLUSTERS, demoPath, removeDemoResources, type AddedTracing, type DemoTarget } from "./demo-config";
import { LoadGenerator } from "./load-generator";
import { startDemoUpstreams, type DemoUpstreamServer } from "./upstreams";

export const DEMO_ACTOR = "demo";
export const DEMO_PUBLISH_MESSAGE = "demo: sample upstreams (healthy, slow, flaky) and /demo/ routes";
export const DEMO_REMOVE_MESSAGE = "demo: remove the sample upstreams' routes and clusters";
/** how long start waits for the connected workers to apply the demo version before the load begins */
const APPLY_WAIT_MS = 5000;

interface Session {
  startedAt: Date;
  endsAt: Date;
  stoppedAt: Date | null;
  stopReason: DemoStatus["stopReason"];
  target: DemoTarget;
  upstreams: DemoUpstreamServer[];
  load: LoadGenerator;
  version: Version;
  tracingAdded: AddedTracing;
  notes: string[];
}

interface State {
  session: Session | null;
  /** start and stop run one at a time */
  queue: Promise<unknown>;
}

const KEY = Symbol.for("signalbox.demo");
function state(): State {
  const g = globalThis as unknown as Record<symbol, State | undefined>;
  return (g[KEY] ??= { session: null, queue: Promise.resolve() });
}

function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const s = state();
  const run = s.queue.then(fn, fn);
  s.queue = run.catch(() => {});
  return run;
}

const KINDS: DemoUpstreamKind[] = ["healthy", "slow", "flaky"];

export function demoStatus(): DemoStatus {
  const s = state().session;
  if (!s)
    return {
      running: false, startedAt: null, endsAt: null, stoppedAt: null, stopReason: null, target: null, requestsSent: 0,
      responses: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, failed: 0 }, upstreams: [], routes: [], publishedVersion: null, notes: [],
    };
  const c = s.load.counts;
  return {
    running: s.load.running,
    startedAt: s.startedAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    stoppedAt: s.stoppedAt?.toISOString() ?? null,
    stopReason: s.stopReason,
    target: s.target.host.includes(":") ? `[${s.target.host}]:${s.target.port}` : `${s.target.host}:${s.target.port}`,
    requestsSent: c.sent,
    responses: { ...c.responses },
    upstreams: s.upstreams.map((u) => ({ name: DEMO_CLUSTERS[u.kind], port: u.port, kind: u.kind })),
    routes: KINDS.map((k) => ({ path: demoPath(k), cluster: DEMO_CLUSTERS[k], sent: c.byPath.get(demoPath(k)) ?? 0 })),
    publishedVersion: { id: s.version.id, number: s.version.number },
    notes: [...s.notes],
  };
}

/** Waits until every connected worker applied (or rejected) `versionId`; says what happened in words. */
async function waitApplied(versionId: string, timeoutMs: number): Promise<string> {
  const since = Date.now() - 1000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const nodes = (await listNodes()).filter((n) => n.connected);
    // an error older than this publish is a previous version's
    const rejected = nodes.filter((n) => n.appliedVersionId !== versionId && n.lastError !== null && (n.lastErrorAt?.getTime() ?? 0) >= since);
    const pending = nodes.filter((n) => n.appliedVersionId !== versionId && !rejected.includes(n));
    if (nodes.length && !pending.length)
      return rejected.length ? `workers ${rejected.map((n) => n.id).join(", ")} rejected the demo version: ${rejected[0].lastError}` : `applied by ${nodes.map((n) => n.id).join(", ")}`;
    if (Date.now() >= deadline)
      return nodes.length ? `not yet applied by ${pending.map((n) => n.id).join(", ")} after ${timeoutMs / 1000} s; sending anyway` : "no worker is connected; the load goes to the listener anyway";
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function closeUpstreams(s: Session) {
  const ups = s.upstreams;
  s.upstreams = [];
  await Promise.all(ups.map((u) => u.close()));
}

/** Starts the demo: 201 with its status; 409 when it already runs or the draft has unpublished changes. */
export function startDemo(body: DemoStartBody): Promise<DemoStatus> {
  return exclusive(async () => {
    const prev = state().session;
    if (prev?.load.running)
      throw conflict(`demo traffic is already running (since ${prev.startedAt.toISOString()}, until ${prev.endsAt.toISOString()}); DELETE /api/demo stops it`);
    if (prev) await closeUpstreams(prev);

    const upstreams = await startDemoUpstreams();
    const ports = Object.fromEntries(upstreams.map((u) => [u.kind, u.port])) as Record<DemoUpstreamKind, number>;
    let plan!: ReturnType<typeof addDemoConfig>;
    let version: Version;
    try {
      // the demo runs on the bundled worker, which is the default environment's, whichever one the request names
      version = await inEnvironment(DEFAULT_ENVIRONMENT, () => publishChange(
        (doc) => {
          plan = addDemoConfig(doc, ports, starterListener(), prev?.tracingAdded ?? null);
          return plan.doc;
        },
        DEMO_PUBLISH_MESSAGE,
        DEMO_ACTOR,
      ));
    } catch (e) {
      await Promise.all(upstreams.map((u) => u.close()));
      if (e instanceof ApiError && e.status === 409) throw new ApiError(409, e.code, `cannot start the demo: ${e.message}`, e.extra);
      throw e;
    }
    const applied = await waitApplied(version.id, APPLY_WAIT_MS);

    const durationMs = (body.durationS ?? DEMO_DEFAULT_DURATION_S) * 1000;
    const startedAt = new Date();
    const session: Session = {
      startedAt,
      endsAt: new Date(startedAt.getTime() + durationMs),
      stoppedAt: null,
      stopReason: null,
      target: plan.target,
      upstreams,
      version,
      tracingAdded: plan.tracingAdded ? { listener: plan.target.listener, tracing: plan.tracingAdded } : null,
      notes: [`published v${version.number} (${applied})`, ...plan.notes],
      load: new LoadGenerator(
        {
          host: plan.target.host,
          port: plan.target.port,
          // ~30 requests/s: mostly the fast route, the flaky one often enough to show retries, and a trickle
          // on the slow one that its breaker admits; the bursts of 8 overflow it (2 in service + 1 pending)
          rps: 30,
          routes: [
            { path: demoPath("healthy"), weight: 6 },
            { path: demoPath("flaky"), weight: 3 },
            { path: demoPath("slow"), weight: 1 },
          ],
          burst: { path: demoPath("slow"), size: 8, everyMs: 4000, firstAfterMs: 500 },
          durationMs,
        },
        () => {
          // the load ran its course; the upstreams stay up so the /demo/ routes still answer by hand
          session.stoppedAt = new Date();
          session.stopReason = "duration";
        },
      ),
    };
    state().session = session;
    session.load.start();
    return demoStatus();
  });
}

/**
 * The console is stopping: stop the load and close the upstreams, and leave the config alone (a publish now
 * would race the shutdown). Without this the load keeps the worker's connections busy and its drain runs to
 * its deadline. The demo routes stay until DELETE /api/demo or the next start replaces them.
 */
export async function haltDemo(): Promise<void> {
  const s = state().session;
  if (!s) return;
  if (s.load.running) {
    s.load.stop();
    s.stoppedAt = new Date();
    s.stopReason = "stopped";
  }
  await closeUpstreams(s);
}

class NothingToRemove extends Error {}

/** Stops the load and the upstreams; with `removeConfig`, publishes a version without the demo resources. */
export function stopDemo(opts: { removeConfig: boolean }): Promise<DemoStopResult> {
  return exclusive(async () => {
    const s = state().session;
    await haltDemo();
    let config: DemoConfigRemoval;
    if (!opts.removeConfig) config = { removed: false, reason: "kept on request (removeConfig=false): the /demo/ routes now answer 503, their upstreams are closed" };
    else {
      try {
        const v = await inEnvironment(DEFAULT_ENVIRONMENT, () => publishChange(
          (doc) => {
            const r = removeDemoResources(doc, s?.tracingAdded ?? null);
            if (!r.changed) throw new NothingToRemove();
            return r.doc;
          },
          DEMO_REMOVE_MESSAGE,
          DEMO_ACTOR,
        ));
        config = { removed: true, version: { id: v.id, number: v.number } };
      } catch (e) {
        if (e instanceof NothingToRemove) config = { removed: false, reason: "the config has no demo routes or clusters" };
        else if (e instanceof ApiError && e.status === 409) config = { removed: false, reason: `kept: ${e.message}` };
        else throw e;
      }
    }
    return { ...demoStatus(), config };
  });
}
