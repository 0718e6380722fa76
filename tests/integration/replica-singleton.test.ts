// Jobs that run on one console replica at a time (lib/replicas/singleton.ts, singleton-jobs.ts), on a real SQLite
// file and a real PostgreSQL 15: the job starts with the lease and stops as soon as another replica takes the lease
// away; close() releases it and the next replica starts the job at its next try, not a TTL later; the console's
// three singletons (guard, retention, certificate expiry) run on one replica and move together on its shutdown; and
// the publish guard's watcher, paused past its lease, neither rolls back nor ends the run, which the replica now
// holding the lease takes up and rolls back (also a guard started on a replica that does not run the watcher).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureStarterVersion } from "../../lib/config/publish";
import { rollback } from "../../lib/config/rollback";
import { GuardWatcher } from "../../lib/guard/watcher";
import { acquireLease, currentLease, type LeaseGrant } from "../../lib/replicas/lease";
import { Singleton } from "../../lib/replicas/singleton";
import { startSingletons } from "../../lib/replicas/singleton-jobs";
import { deleteEventsBefore } from "../../lib/repos/event-repo";
import { getGuardRun } from "../../lib/repos/guard-repo";
import { getLiveVersionId } from "../../lib/repos/live-state-repo";
import { deleteRollupsBefore } from "../../lib/repos/rollup-repo";
import { countVersions, getVersion } from "../../lib/repos/version-repo";
import type { TimedFrame } from "../../lib/telemetry/aggregate";
import { emptyFrame } from "../../lib/telemetry/frame";
import { Retention } from "../../lib/telemetry/retention";
import { waitFor } from "../support/console-process";
import { migratedStores, postgresSkipped, type TestStores } from "../support/test-stores";

if (postgresSkipped) console.log(`[replica-singleton] PostgreSQL part skipped: ${postgresSkipped}`);

let stores: TestStores;
beforeAll(async () => void (stores = await migratedStores("replica_singleton")), 60_000);
afterAll(async () => stores?.stop());

let seq = 0;
const leaseName = (what: string) => `${what}-${++seq}`;
const quiet = { log: () => {} };

/** A job that records what the Singleton did with it. */
function recorder() {
  const log: string[] = [];
  return { log, job: { start: (g: LeaseGrant) => void log.push(`start ${g.holder} ${g.epoch}`), stop: () => void log.push("stop") } };
}

for (const store of ["sqlite", "postgres"] as const) {
  describe.skipIf(store === "postgres" && postgresSkipped !== null)(`singletons on ${store}`, () => {
    beforeAll(async () => stores.use(store === "sqlite" ? stores.sqlite : stores.postgres!));

    it("starts the job with the lease and stops it as soon as another replica takes the lease away", async () => {
      const name = leaseName("job");
      const a = recorder();
      const s = new Singleton(name, a.job, { holder: "a", ttlMs: 2_000, renewEveryMs: 100, ...quiet });
      await s.open();
      expect(a.log).toEqual(["start a 1"]);
      expect(s.grant).toMatchObject({ holder: "a", epoch: 1 });
      // renewals keep it: after three TTL-thirds the job still runs under epoch 1
      await new Promise((r) => setTimeout(r, 700));
      expect(a.log).toEqual(["start a 1"]);
      const renewed = (await currentLease(name))!.expiresAt.getTime();
      expect(renewed).toBeGreaterThan(Date.now() + 1_000);
      // b's clock runs past a's expiry (or a was paused): b takes the lease over
      const b = (await acquireLease(name, { holder: "b", ttlMs: 60_000, now: () => Date.now() + 5_000 })).grant!;
      const takenAt = Date.now();
      await waitFor("a to stop its job", () => a.log.includes("stop"), 3_000);
      expect(Date.now() - takenAt).toBeLessThan(1_000);
      expect(s.grant).toBeNull();
      await s.close();
      // closing a replica that lost the lease leaves the holder's lease alone
      expect(await currentLease(name)).toMatchObject({ holder: "b", epoch: b.epoch });
      expect(a.log).toEqual(["start a 1", "stop"]);
    });

    it("close() releases the lease: the next replica starts the job at its next try, long before the TTL", async () => {
      const name = leaseName("handover");
      const a = recorder();
      const b = recorder();
      const sa = new Singleton(name, a.job, { holder: "a", ttlMs: 30_000, renewEveryMs: 100, ...quiet });
      const sb = new Singleton(name, b.job, { holder: "b", ttlMs: 30_000, renewEveryMs: 100, retryEveryMs: 100, ...quiet });
      await sa.open();
      await sb.open();
      expect([a.log, b.log]).toEqual([["start a 1"], []]);
      await sa.close();
      const closedAt = Date.now();
      expect(a.log).toEqual(["start a 1", "stop"]);
      await waitFor("b to start the job", () => b.log.length > 0, 3_000);
      expect(Date.now() - closedAt).toBeLessThan(2_000);
      expect(b.log).toEqual(["start b 2"]);
      await sb.close();
    });

    it("the console's singletons run on one replica and move together when it shuts down", async () => {
      const names = ["guard", "retention", "certificate-expiry"];
      const replica = (holder: string) => {
        const retention = new Retention({ deleteRollupsBefore, deleteEventsBefore }, { hours: () => 24, ...quiet });
        return startSingletons({ guard: new GuardWatcher(quiet), retention, options: { holder, ttlMs: 30_000, renewEveryMs: 100, retryEveryMs: 100, ...quiet } });
      };
      const holders = async () => Promise.all(names.map(async (n) => (await currentLease(n))?.holder));
      const stopA = await replica("a");
      const stopB = await replica("b");
      expect(await holders()).toEqual(["a", "a", "a"]);
      await stopA();
      await waitFor("b to hold every singleton", async () => (await holders()).every((h) => h === "b"), 3_000);
      await stopB();
      expect(await holders()).toEqual(["", "", ""]);
    });

    it("a guard watcher that lost its lease neither rolls back nor ends the run; the new holder rolls it back", async () => {
      await ensureStarterVersion();
      const base = (await getVersion((await getLiveVersionId("default"))!))!;
      const { value: guarded } = await rollback(base.id, "alice", { discardDraft: true, message: "the change to guard" });
      // every response 5xx, whatever the window asked
      const bad = emptyFrame();
      bad.d = { q: [100, 0, 0, 0, 0, 100] };
      const frames = (from: number): TimedFrame[] => [{ t: from, node: "n1", frame: bad }];
      const lines: string[] = [];
      const watcher = () => new GuardWatcher({ frames, log: (m) => lines.push(m) });

      // published on a replica that does not run the watcher: only the GuardRun row is written
      const elsewhere = watcher();
      const run = await elsewhere.guard(guarded, { maxErrorRatio: 0.05, windowS: 60, minRequests: 20 });
      expect(elsewhere.activeVersionId).toBeNull();

      const name = leaseName("guard");
      const stale = (await acquireLease(name, { holder: "paused", ttlMs: 60_000 })).grant!;
      const holder = (await acquireLease(name, { holder: "awake", ttlMs: 60_000, now: () => Date.now() + 120_000 })).grant!;
      const versions = await countVersions();

      const paused = watcher();
      await paused.start(stale);
      expect(paused.activeVersionId).toBe(guarded.id);
      await paused.tick();
      await paused.stop();
      expect(lines.join("\n")).toMatch(new RegExp(`not rolling back v${guarded.number}: this console replica \\(paused\\) no longer holds the "${name}" lease`));
      expect(await countVersions()).toBe(versions);
      expect(await getLiveVersionId("default")).toBe(guarded.id);
      expect((await getGuardRun(run.id))?.state).toBe("running");

      const awake = watcher();
      await awake.start(holder);
      expect(awake.activeVersionId).toBe(guarded.id);
      await awake.tick();
      await awake.stop();
      const ended = (await getGuardRun(run.id))!;
      expect(ended.state, ended.reason ?? "").toBe("rolled_back");
      expect(await getLiveVersionId("default")).toBe(ended.rollbackVersionId);
      expect(await getVersion(ended.rollbackVersionId!)).toMatchObject({ author: "guard", rollbackOfId: base.id, message: ended.reason });
    });
  });
}
