// Leases for jobs that run on one console replica at a time (lib/replicas/lease.ts), on a real SQLite file and a real
// PostgreSQL 15: replicas racing for a free or an expired lease (in one process over the connection pool, and as
// separate processes, tests/support/lease-client.ts) end with exactly one holder; a lease whose TTL passed goes to
// the next replica with epoch + 1 and the old grant can neither renew nor release it; and a rollback fenced by a
// stale grant is refused with 409 lease_lost and writes nothing, while the holder's goes through.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureStarterVersion } from "../../lib/config/publish";
import { rollback } from "../../lib/config/rollback";
import { ApiError } from "../../lib/errors";
import { acquireLease, currentLease, fence, releaseLease, renewLease, type LeaseGrant } from "../../lib/replicas/lease";
import { getLiveVersionId } from "../../lib/repos/live-state-repo";
import { transaction } from "../../lib/repos/transaction";
import { Singleton } from "../../lib/replicas/singleton";
import { countVersions, createVersion, getVersion } from "../../lib/repos/version-repo";
import { killGroup } from "../../proxy-core/test/kit/processes";
import { ROOT, sleep, waitFor } from "../support/console-process";
import { migratedStores, postgresSkipped, type TestStores } from "../support/test-stores";

if (postgresSkipped) console.log(`[replica-lease] PostgreSQL part skipped: ${postgresSkipped}`);

let stores: TestStores;
beforeAll(async () => void (stores = await migratedStores("replica_lease")), 60_000);
afterAll(async () => stores?.stop());

/** A lease client process (tests/support/lease-client.ts) on `url` as replica `replica`: its JSON lines as they come. */
function leaseClient(url: string, replica: string, args: string[]) {
  const p: ChildProcess = spawn(process.execPath, ["--import", "tsx", "tests/support/lease-client.ts", ...args], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: url, SIGNALBOX_REPLICA_ID: replica }, detached: true, stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let buf = "";
  let err = "";
  p.stdout!.on("data", (c: Buffer) => {
    buf += c.toString();
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      lines.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
      buf = buf.slice(i + 1);
    }
  });
  p.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  return {
    lines,
    send: (o: unknown) => p.stdin!.write(JSON.stringify(o) + "\n"),
    line: (n: number) =>
      waitFor(`line ${n + 1} from lease client ${replica}`, () => lines[n], {
        timeoutMs: 30_000, diagnose: () => err, giveUp: () => (p.exitCode !== null ? `it exited (${p.exitCode})` : null),
      }),
    kill: () => p.pid && killGroup(p.pid),
  };
}

let seq = 0;
const leaseName = (what: string) => `${what}-${++seq}`;

for (const store of ["sqlite", "postgres"] as const) {
  describe.skipIf(store === "postgres" && postgresSkipped !== null)(`leases on ${store}`, () => {
    beforeAll(async () => stores.use(store === "sqlite" ? stores.sqlite : stores.postgres!));

    it("replicas racing for a free lease, then for the expired one: exactly one wins each time, with the next epoch", async () => {
      const name = leaseName("race");
      const replicas = ["r0", "r1", "r2", "r3", "r4", "r5"];
      const first = await Promise.all(replicas.map((holder) => acquireLease(name, { holder, ttlMs: 10_000 })));
      const winner = first.filter((a) => a.grant);
      expect(winner).toHaveLength(1);
      expect(winner[0].grant).toMatchObject({ name, epoch: 1 });
      // the losers are told who holds it and until when
      for (const a of first.filter((x) => !x.grant)) expect(a.current?.holder).toBe(winner[0].grant!.holder);

      const later = Date.now() + 11_000;
      const second = await Promise.all(replicas.map((holder) => acquireLease(name, { holder, ttlMs: 10_000, now: () => later })));
      const next = second.filter((a) => a.grant).map((a) => a.grant!);
      expect(next).toHaveLength(1);
      expect(next[0].epoch).toBe(2);
      expect(await currentLease(name)).toMatchObject({ holder: next[0].holder, epoch: 2 });
    });

    it("separate processes racing for a lease end with one holder", async () => {
      const url = store === "sqlite" ? stores.sqlite : stores.postgres!;
      const clients = ["p1", "p2", "p3"].map((r) => leaseClient(url, r, ["race"]));
      try {
        await Promise.all(clients.map((c) => c.line(0)));
        for (let round = 0; round < 4; round++) {
          // even rounds: a lease nobody held (the row is created); odd rounds: that lease once it expired (taken over)
          const name = round % 2 === 0 ? leaseName("procs") : `procs-${seq}`;
          for (const c of clients) c.send({ name, nowOffsetMs: round % 2 === 0 ? 0 : 60_000 });
          const answers = await Promise.all(clients.map((c) => c.line(round + 1)));
          const won = answers.filter((a) => a.epoch !== null);
          expect(won, JSON.stringify(answers)).toHaveLength(1);
          expect(won[0].epoch).toBe(round % 2 === 0 ? 1 : 2);
        }
      } finally {
        for (const c of clients) c.kill();
      }
    }, 60_000);

    it("a lease whose TTL passed goes to the next replica with epoch + 1; the old grant can neither renew nor release it", async () => {
      const name = leaseName("ttl");
      const a = (await acquireLease(name, { holder: "a", ttlMs: 300 })).grant!;
      expect(a.epoch).toBe(1);
      const busy = await acquireLease(name, { holder: "b", ttlMs: 300 });
      expect(busy.grant).toBeNull();
      expect(busy.current).toMatchObject({ holder: "a", epoch: 1 });
      // renewing moves the expiry: still a's after the first TTL
      await sleep(150);
      const renewed = (await renewLease(a, { ttlMs: 300 }))!;
      expect(renewed.expiresAt.getTime()).toBeGreaterThan(a.expiresAt.getTime());
      await sleep(200);
      expect((await acquireLease(name, { holder: "b", ttlMs: 300 })).grant).toBeNull();
      await sleep(200);
      const b = (await acquireLease(name, { holder: "b", ttlMs: 10_000 })).grant!;
      expect(b).toMatchObject({ holder: "b", epoch: 2 });
      expect(await renewLease(a)).toBeNull();
      expect(await releaseLease(a)).toBe(false);
      expect(await currentLease(name)).toMatchObject({ holder: "b", epoch: 2 });
      // released: the next replica takes it at once, though b's TTL had 10 s to go
      expect(await releaseLease(b)).toBe(true);
      expect((await acquireLease(name, { holder: "c" })).grant).toMatchObject({ holder: "c", epoch: 3 });
    });

    it("a rollback fenced by a stale grant is refused (409 lease_lost) and writes nothing; the holder's goes through", async () => {
      await ensureStarterVersion();
      const liveId = (await getLiveVersionId("default"))!;
      const target = (await getVersion(liveId))!;
      const name = leaseName("fence");
      const stale: LeaseGrant = (await acquireLease(name, { holder: "paused", ttlMs: 10_000 })).grant!;
      // "paused" stopped past its TTL: another replica took the lease over meanwhile
      const holder = (await acquireLease(name, { holder: "awake", now: () => Date.now() + 20_000 })).grant!;
      const versions = await countVersions();

      const refused = await rollback(target.id, "guard", { discardDraft: true, fence: (tx) => fence(tx, stale) }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ApiError);
      expect(refused).toMatchObject({ status: 409, code: "lease_lost" });
      expect(await countVersions()).toBe(versions);
      expect(await getLiveVersionId("default")).toBe(liveId);

      const { value: v } = await rollback(target.id, "guard", { discardDraft: true, fence: (tx) => fence(tx, holder) });
      expect(v).toMatchObject({ author: "guard", rollbackOfId: target.id });
      expect(await countVersions()).toBe(versions + 1);
      expect(await getLiveVersionId("default")).toBe(v.id);
      // the fence only locked the row: the holder and its epoch are unchanged
      expect(await currentLease(name)).toMatchObject({ holder: "awake", epoch: holder.epoch });
    });

    it("a takeover by another process waits for a fenced write under way, which lands under the epoch it was fenced by", async () => {
      const url = store === "sqlite" ? stores.sqlite : stores.postgres!;
      const name = leaseName("lock");
      const a = (await acquireLease(name, { holder: "a", ttlMs: 10_000 })).grant!;
      const b = leaseClient(url, "b", ["race"]);
      try {
        await b.line(0);
        const versions = await countVersions();
        let committing = 0;
        await transaction(async (tx) => {
          await fence(tx, a);
          // b's clock says a's lease is long expired, but a's transaction holds the row (PostgreSQL) or the file's
          // write lock (SQLite) until it commits
          b.send({ name, nowOffsetMs: 60_000 });
          await sleep(500);
          expect(b.lines).toHaveLength(1);
          await createVersion(tx, "default", { hash: "fenced", author: "a", message: "written under epoch 1", snapshot: { listeners: [], clusters: [] }, parentId: null, rollbackOfId: null });
          committing = Date.now();
        });
        const answer = await b.line(1);
        expect(answer).toMatchObject({ name, epoch: 2 });
        expect(answer.at as number).toBeGreaterThanOrEqual(committing);
        expect(await countVersions()).toBe(versions + 1);
      } finally {
        b.kill();
      }
    }, 60_000);

    it("a holder killed with SIGKILL is replaced when its lease expires, not a retry interval later", async () => {
      const url = store === "sqlite" ? stores.sqlite : stores.postgres!;
      const name = leaseName("kill");
      const held = leaseClient(url, "doomed", ["hold", name, "1000", "200"]);
      try {
        expect(await held.line(0)).toEqual({ started: 1 });
        const started: number[] = [];
        // retries every 30 s: only the holder's expiry, which its failed try reads, brings it back in time
        const next = new Singleton(name, { start: (g) => void started.push(g.epoch), stop: () => {} }, { holder: "next", ttlMs: 1000, renewEveryMs: 200, retryEveryMs: 30_000, log: () => {} });
        await next.open();
        expect(started).toEqual([]);
        held.kill();
        const killedAt = Date.now();
        await waitFor("the next replica to start the job", () => started.length > 0, 5_000);
        expect(Date.now() - killedAt).toBeLessThan(1000 + 1000);
        expect(started).toEqual([2]);
        await next.close();
        expect(await currentLease(name)).toMatchObject({ holder: "", epoch: 2 });
      } finally {
        held.kill();
      }
    }, 60_000);
  });
}
