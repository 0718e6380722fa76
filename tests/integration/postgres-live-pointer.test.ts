// The live pointer shared by console replicas, against a real PostgreSQL 15 (tests/support/postgres.ts): the
// compare-and-swap that lets one of two racing publishes win (the loser's transaction leaves nothing behind and
// answers 409), the NOTIFY sent on commit and only on commit, the LISTEN connection that comes back by itself
// after the database restarts, and the 409/503 a client gets for a lost race or a database that is away.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../../lib/db";
import { ApiError } from "../../lib/errors";
import { apiErrorForDb } from "../../lib/repos/db-errors";
import { listenLive } from "../../lib/repos/live-listen";
import { getLiveVersionId, swapLiveVersionId } from "../../lib/repos/live-state-repo";
import { transaction } from "../../lib/repos/transaction";
import { countVersions, createVersion } from "../../lib/repos/version-repo";
import type { PostgresServer } from "../support/postgres";
import { migratedStores, postgresSkipped, type TestStores } from "../support/test-stores";

if (postgresSkipped) console.log(`[postgres-live-pointer] skipped: ${postgresSkipped}`);

let stores: TestStores;
let server: PostgresServer;
let url: string;
const EMPTY = { listeners: [], clusters: [] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A publish as the services make one: a new version and the pointer moved from `expected`, in one transaction. */
function publishFrom(expected: string | null, author: string, holdMs = 0) {
  return transaction(async (tx) => {
    const v = await createVersion(tx, "default", { hash: author, author, message: author, snapshot: EMPTY, parentId: expected, rollbackOfId: null });
    // keeps the transaction open so the other publish overlaps it
    if (holdMs) await sleep(holdMs);
    await swapLiveVersionId(tx, "default", expected, v.id);
    return v;
  });
}

async function until(fn: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(20);
  }
}

describe.skipIf(postgresSkipped !== null)("the live pointer on PostgreSQL", () => {
  beforeAll(async () => {
    stores = await migratedStores("livepointer");
    server = stores.server!;
    url = stores.postgres!;
    await stores.use(url);
  }, 60_000);

  afterAll(async () => {
    await stores?.stop();
  });

  it("lets exactly one of two overlapping publishes move the pointer; the other gets 409 and leaves no version", async () => {
    const first = await publishFrom(null, "first");
    expect(await getLiveVersionId("default")).toBe(first.id);
    const before = await countVersions();
    const results = await Promise.allSettled([publishFrom(first.id, "a", 300), publishFrom(first.id, "b", 300)]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    // the loser fails on the version number (unique per environment) or on the pointer: the same 409 either way
    expect(lost[0].reason).toBeInstanceOf(ApiError);
    expect(lost[0].reason).toMatchObject({ status: 409, code: "live_changed" });
    expect(await countVersions()).toBe(before + 1);
    expect(await getLiveVersionId("default")).toBe((won[0] as PromiseFulfilledResult<{ id: string }>).value.id);
  });

  it("refuses a publish from a pointer that moved meanwhile (409 live_changed)", async () => {
    const live = (await getLiveVersionId("default"))!;
    await publishFrom(live, "moves it");
    const stale = publishFrom(live, "stale");
    await expect(stale).rejects.toMatchObject({ status: 409, code: "live_changed" });
  });

  it("notifies listeners on commit with the environment and version id, never for a rolled-back swap", async () => {
    const heard: string[] = [];
    let reconnects = 0;
    const logs: string[] = [];
    const l = listenLive(url, (env, id) => heard.push(`${env} ${id}`), () => reconnects++, (m) => logs.push(m));
    try {
      await sleep(300); // LISTEN registered
      const live = (await getLiveVersionId("default"))!;
      await expect(
        transaction(async (tx) => {
          await swapLiveVersionId(tx, "default", live, live);
          throw new Error("abandoned");
        }),
      ).rejects.toThrow("abandoned");
      const v = await publishFrom(live, "heard");
      await until(() => heard.length > 0, 3000);
      expect(heard).toEqual([`default ${v.id}`]);

      // the database restarts: the listener comes back by itself and hears the next publish
      await server.restart();
      await until(() => reconnects === 1, 10_000);
      expect(logs.join("\n")).toMatch(/lost[\s\S]*back/);
      await closeDb(); // Prisma's pool holds connections the restart cut
      const after = await publishFrom(v.id, "after the restart");
      await until(() => heard.length === 2, 3000);
      expect(heard[1]).toBe(`default ${after.id}`);
    } finally {
      await l.close();
    }
  }, 30_000);

  it("answers a database that is away as 503 database_unavailable, a duplicate key as 409", async () => {
    await closeDb();
    process.env.DATABASE_URL = `postgresql://postgres@127.0.0.1:1/nothing`;
    try {
      const e = await getLiveVersionId("default").catch((x: unknown) => x);
      expect(apiErrorForDb(e)).toMatchObject({ status: 503, code: "database_unavailable" });
    } finally {
      await closeDb();
      process.env.DATABASE_URL = url;
    }
    const dup = await transaction((tx) => tx.liveState.create({ data: { id: "default", versionId: "x" } })).catch((x: unknown) => x);
    expect(apiErrorForDb(dup)).toMatchObject({ status: 409, code: "concurrent_change" });
    expect(apiErrorForDb(new Error("a bug"))).toBeNull();
  });
});
