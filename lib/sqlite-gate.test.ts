// The SQLite gate on a real database file: a write made outside a transaction while one is open waits for it and
// survives its rollback (without the gate it ran inside that transaction and was undone with it), and a query
// from inside a transaction's callback that does not use the transaction's client still runs at once.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "./db";
import { migrate } from "./migrate";
import { transaction } from "./repos/transaction";

let dir: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-gate-"));
  process.env.DATABASE_URL = "file:" + path.join(dir, "gate.db");
  await migrate("deploy", undefined, { log: () => {} });
});

afterAll(async () => {
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

const exists = async (name: string) => (await db().environment.findUnique({ where: { name } })) !== null;

describe("SQLite: queries outside a transaction while one is open", () => {
  it("wait for it, and are not undone by its rollback", async () => {
    const failing = transaction(async (tx) => {
      await tx.environment.create({ data: { name: "inside", createdBy: "test" } });
      await sleep(200);
      throw new Error("refused inside the transaction");
    });
    await sleep(20);
    const started = Date.now();
    await db().environment.create({ data: { name: "outside", createdBy: "test" } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    await expect(failing).rejects.toThrow("refused inside the transaction");
    expect(await exists("inside")).toBe(false);
    expect(await exists("outside")).toBe(true);
  });

  it("let through a query from the transaction's own callback (no deadlock)", async () => {
    const n = await transaction(async (tx) => {
      await tx.environment.create({ data: { name: "own", createdBy: "test" } });
      return db().environment.count();
    });
    expect(n).toBeGreaterThanOrEqual(2);
  });
});
