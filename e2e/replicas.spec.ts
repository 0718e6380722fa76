// The Nodes page of a console run as two replicas on one PostgreSQL database, in a real Chromium: signed in on
// replica A, the page lists both replicas beating and every node with the replica holding it, and the same
// session cookie opens replica B's page, which shows the same fleet (one signing key, one Node table). After
// replica B is killed, A's page shows B silent and B's worker connected through A.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleProcess } from "../tests/support/console-process";
import { postgresUnavailable, startPostgres, type PostgresServer } from "../tests/support/postgres";
import { ROOT, freePort, launchBrowser, newPage, screenshot, waitFor } from "./fixtures";

const unavailable = postgresUnavailable();
if (unavailable) console.log(`[replicas e2e] skipped: ${unavailable}`);

const TOKEN = `e2e-replicas-${Math.random().toString(36).slice(2)}`;
const ADMIN = { email: "ops@replicas-e2e.test", password: "the replicas e2e password" };
let pg: PostgresServer;
const consoles: Record<"a" | "b", ConsoleProcess | null> = { a: null, b: null };
const workers: ChildProcess[] = [];
const dirs: string[] = [];
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

async function startReplica(id: "a" | "b", databaseUrl: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `signalbox-e2e-replica-${id}-`));
  dirs.push(dataDir);
  const c = new ConsoleProcess({
    dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(), root: ROOT, admin: ADMIN,
    env: { DATABASE_URL: databaseUrl, SIGNALBOX_WORKER: "off", SIGNALBOX_REPLICA_ID: `console-${id}` },
  });
  consoles[id] = c;
  await c.start(90_000);
  return c;
}

const wsUrl = (c: ConsoleProcess) => `ws://127.0.0.1:${c.o.port}/ws/worker`;

async function startWorker(nodeId: string, first: ConsoleProcess, second: ConsoleProcess) {
  const p = spawn(process.execPath, [path.join(ROOT, "proxy-core/bin/proxy-core.mjs"), "--control-plane", `${wsUrl(first)},${wsUrl(second)}`, "--node-id", nodeId, "--token", TOKEN, "--admin-address", `127.0.0.1:${await freePort()}`], { stdio: "ignore", detached: true });
  workers.push(p);
}

/** The text of node `id`'s row on the page. */
const rowText = (id: string) => page.getByTestId("node-row").filter({ hasText: id }).innerText();

describe.skipIf(unavailable !== null)("the Nodes page of two console replicas", () => {
  beforeAll(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase("e2e_replicas");
    const a = await startReplica("a", url);
    const b = await startReplica("b", url);
    // a version without listeners: two workers on this one host would otherwise both bind the starter's port
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const put = await fetch(a.base + "/api/config", { method: "PUT", headers, body: JSON.stringify({ static_resources: { listeners: [], clusters: [{ name: "svc", type: "STATIC", connect_timeout: "1s", load_assignment: { cluster_name: "svc", endpoints: [] } }] } }) });
    expect(put.status, await put.text()).toBe(200);
    const pub = await fetch(a.base + "/api/versions", { method: "POST", headers, body: JSON.stringify({ message: "e2e: clusters only" }) });
    expect(pub.status, await pub.text()).toBe(201);
    await startWorker("edge-1", a, b);
    await startWorker("edge-2", b, a);
    browser = await launchBrowser();
    page = await newPage(browser);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const w of workers) if (w.pid && w.exitCode === null) process.kill(-w.pid, "SIGTERM");
    for (const c of Object.values(consoles)) await c?.stop(5000).catch(() => {});
    await pg?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("lists both replicas and every node with the replica holding it, on either replica, with one sign-in", async () => {
    const a = consoles.a!;
    await page.goto(a.base + "/login");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    await page.goto(a.base + "/nodes");
    const panel = page.getByTestId("replicas");
    await waitFor("both replicas beating on A's page", async () => (await panel.getByText("beating").count()) === 2, 20_000);
    await expect(panel.getByTestId("replica-row").filter({ hasText: "console-a" }).innerText()).resolves.toMatch(/answered this page/);
    await waitFor("edge-1 via console-a, edge-2 via console-b, both applied", async () => {
      const [one, two] = await Promise.all([rowText("edge-1"), rowText("edge-2")]);
      return /via console-a/.test(one) && /via console-b/.test(two) && /v2 · applied/.test(one) && /v2 · applied/.test(two);
    }, 20_000);
    await screenshot(page, "replicas-nodes");

    // the cookie A set (cookies are per host, not per port) is good on B: the replicas sign with one key
    await page.goto(consoles.b!.base + "/nodes");
    expect(new URL(page.url()).pathname).toBe("/nodes");
    await waitFor("B's page: the same two nodes, B answered", async () => {
      const rows = await page.getByTestId("node-row").allInnerTexts();
      const mine = await page.getByTestId("replica-row").filter({ hasText: "console-b" }).innerText().catch(() => "");
      return rows.length === 2 && /answered this page/.test(mine);
    }, 20_000);
  }, 90_000);

  it("shows a killed replica silent and its node connected through the other", async () => {
    const b = consoles.b!;
    process.kill(b.proc!.pid!, "SIGKILL");
    await page.goto(consoles.a!.base + "/nodes");
    await waitFor("edge-2 via console-a and console-b silent", async () => {
      const two = await rowText("edge-2");
      const silent = await page.getByTestId("replica-row").filter({ hasText: "console-b" }).innerText().catch(() => "");
      return /connected/.test(two) && /via console-a/.test(two) && /silent/.test(silent);
    }, 30_000);
    await screenshot(page, "replicas-nodes-after-kill");
  }, 60_000);
});
