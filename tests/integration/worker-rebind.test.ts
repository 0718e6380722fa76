// The bundled worker's starter listener on a port another program holds: the worker NACKs the starter version
// with EADDRINUSE (GET /api/nodes: rejected, with the reason), a wait for the listener fails saying so, and once
// the port comes free the worker binds it by itself, serves, and ACKs: the node is applied and its error gone,
// with nothing published again.
import fs from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { NodeList } from "../../lib/contract/nodes";
import { VersionList } from "../../lib/contract/versions";
import { api, assertBuilt, ConsoleProcess, freePort, get, tmpDir } from "./harness";

const TOKEN = "rebind-token-" + Math.random().toString(36).slice(2);
const STARTER_TEXT = "Signalbox is running: open the console to add routes";

let dataDir: string;
let consoleProc: ConsoleProcess;
let starterPort: number;
const squatter = net.createServer((s) => s.destroy());

beforeAll(async () => {
  assertBuilt();
  dataDir = tmpDir("signalbox-rebind-");
  starterPort = await freePort();
  await new Promise<void>((r) => squatter.listen(starterPort, "127.0.0.1", r));
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort, workerAdminPort: await freePort() });
  await consoleProc.start();
});

afterAll(async () => {
  await consoleProc?.stop();
  if (squatter.listening) await new Promise((r) => squatter.close(r));
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

it("NACKs the starter while its port is taken, says so when a wait times out, and serves it once the port is free", async () => {
  const call = api(consoleProc.base, TOKEN);
  const local = async () => (await call.as(NodeList, "GET", "/api/nodes")).find((n) => n.id === "local");
  const starter = (await call.as(VersionList, "GET", "/api/versions"))[0];

  const rejected = await consoleProc.until("the NACK of the starter version", async () => ((await local())?.state === "rejected" ? local() : null), 30_000);
  expect(rejected).toMatchObject({ appliedVersion: null, rejectedVersionId: starter.id, lastError: `listener main: cannot bind 127.0.0.1:${starterPort}: EADDRINUSE` });

  // a wait that cannot succeed fails with the reason, not only with its deadline
  const failed = await consoleProc.until("the starter listener", async () => (await get(starterPort, "/").catch(() => null))?.body === STARTER_TEXT, 1500).then(
    () => null,
    (e: Error) => e.message,
  );
  expect(failed).toMatch(/^timed out after 1500 ms waiting for the starter listener/);
  expect(failed).toContain(`"lastError":"listener main: cannot bind 127.0.0.1:${starterPort}: EADDRINUSE"`);
  expect(failed).toMatch(/GET \/api\/worker: HTTP 200 \{"state":"(starting|running)"/);
  expect(failed).toMatch(/--- console output \(last \d+ of \d+ lines\) ---/);

  // the port comes free: the worker binds it by itself (its back-off is at most 30 s) and the node is applied
  await new Promise((r) => squatter.close(r));
  await consoleProc.until("the starter listener once its port is free", async () => (await get(starterPort, "/").catch(() => null))?.body === STARTER_TEXT, 40_000, 100);
  await consoleProc.until("local to be applied", async () => (await local())?.state === "applied", 10_000);
  expect(await local()).toMatchObject({ appliedVersion: starter.id, lastError: null, rejectedVersionId: null });
  expect((await call("GET", "/api/versions")).json).toHaveLength(1);
}, 120_000);
