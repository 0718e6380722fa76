// Tracing through the console: a published config with HCM `tracing` (no provider: console only), traffic
// through the bundled worker, and the sampled spans coming back over the worker WebSocket to GET /api/traces.
import fs from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TraceList } from "../../lib/contract/traces";
import { bootstrap, cluster, listener, prefixRoute } from "../../lib/config/test-fixtures";
import { api, ConsoleProcess, freePort, get, parsed, startUpstream, waitFor, startTestConsole } from "./harness";

const TOKEN = "traces-token-" + Math.random().toString(36).slice(2);
let dataDir: string;
let consoleProc: ConsoleProcess;
let up: Awaited<ReturnType<typeof startUpstream>>;

beforeAll(async () => {
  up = await startUpstream("up");
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-traces-", TOKEN));
});

afterAll(async () => {
  await consoleProc?.stop();
  up?.server.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

it("spans of sampled requests reach GET /api/traces, newest first, grouped by trace", async () => {
  const call = api(consoleProc.base, TOKEN);
  const port = await freePort();
  const l = listener("traced", port, [{ ...prefixRoute("/", "backend"), decorator: { operation: "traced-op" } }]);
  (l.filter_chains[0].filters[0].typed_config as Record<string, unknown>).tracing = { random_sampling: { value: 100 } };
  expect((await call("PUT", "/api/config", bootstrap([l], [cluster("backend", [up.port])]))).status).toBe(200);
  const v = await call("POST", "/api/versions", { message: "tracing" });
  expect(v.status).toBe(201);
  await waitFor("the listener to serve", async () => (await get(port, "/a").catch(() => null))?.status === 200);
  await get(port, "/b");

  const traces = await waitFor("two traces", async () => {
    const r = await call("GET", "/api/traces?limit=2");
    const found = r.status === 200 ? parsed(r, TraceList).traces : [];
    return found.length === 2 ? found : null;
  });
  const newest = traces[0].spans.find((s) => s.kind === "SERVER")!;
  expect(newest).toMatchObject({ name: "traced-op", node: "local" });
  expect(newest.tags["http.url"]).toMatch(/\/b$/);
  expect(traces[0].spans.map((s) => s.kind).sort()).toEqual(["CLIENT", "SERVER"]);
  expect((await api(consoleProc.base, null)("GET", "/api/traces")).status).toBe(401);
  expect((await call("GET", "/api/traces?limit=0")).status).toBe(400);
});
