// The API contract against a running console: every GET endpoint under app/api answers what its schema in
// lib/contract/ says, with real data behind it (two versions, a connected worker, traced traffic through a
// real upstream). Endpoints are discovered from the route files, so a new GET endpoint without an entry here
// fails this test until its schema is named.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import * as C from "../../lib/contract";
import { DemoStatus } from "../../lib/demo/contract";
import { bootstrap, cluster, listener, prefixRoute } from "../../lib/config/test-fixtures";
import { api, ConsoleProcess, errorBody, freePort, get, parsed, ROOT, startUpstream, waitFor, startTestConsole } from "./harness";
import { openSse } from "../support/sse";

const TOKEN = "contract-token-" + Math.random().toString(36).slice(2);

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
const ids = { first: "", second: "", user: "" };

/**
 * Every GET endpoint: how to call it and what its body must match (a text check for non-JSON bodies; for an
 * event stream, what its first message's data must match).
 */
const GETS: Record<string, { path: () => string; schema?: z.ZodType; text?: (body: string) => void; sse?: boolean; signedIn?: boolean }> = {
  "/api/audit": { path: () => "/api/audit?limit=50", schema: C.AuditList },
  "/api/config": { path: () => "/api/config", schema: C.BootstrapDocument },
  "/api/nodes": { path: () => "/api/nodes", schema: C.NodeList },
  "/api/replicas": { path: () => "/api/replicas", schema: C.ReplicaList },
  "/api/session": { path: () => "/api/session", schema: C.Session },
  "/api/setup": { path: () => "/api/setup", schema: C.SetupState },
  "/api/sessions": { path: () => "/api/sessions", schema: C.SessionList },
  "/api/users": { path: () => "/api/users", schema: C.UserList },
  "/api/users/[id]/sessions": { path: () => `/api/users/${ids.user}/sessions`, schema: C.SessionList },
  "/api/tokens": { path: () => "/api/tokens", schema: C.ApiTokenList },
  "/api/teams": { path: () => "/api/teams", schema: C.TeamList },
  "/api/draft/ownership": { path: () => "/api/draft/ownership", schema: C.MyTeams },
  "/api/settings/sso": { path: () => "/api/settings/sso", schema: C.SsoSettings },
  // an account's own second factor: asked by a signed-in account, not a token
  "/api/account/two-factor": { path: () => "/api/account/two-factor", schema: C.TwoFactorStatus, signedIn: true },
  // better-auth's own endpoints: its health check stands for them
  "/api/auth/[...all]": { path: () => "/api/auth/ok", text: (body) => expect(JSON.parse(body)).toEqual({ ok: true }) },
  "/api/traces": { path: () => "/api/traces", schema: C.TraceList },
  "/api/versions": { path: () => "/api/versions", schema: C.VersionList },
  "/api/versions/[id]": { path: () => `/api/versions/${ids.second}`, schema: C.VersionDetail },
  "/api/versions/[id]/diff": { path: () => `/api/versions/${ids.second}/diff?against=${ids.first}`, schema: C.VersionDiff },
  "/api/versions/[id]/bootstrap": { path: () => `/api/versions/${ids.second}/bootstrap`, text: (body) => expect(body).toMatch(/^static_resources:\n {2}listeners:/m) },
  "/api/backup": { path: () => "/api/backup", schema: C.BackupFile },
  "/api/guards": { path: () => "/api/guards", schema: C.GuardList },
  "/api/rollout": { path: () => "/api/rollout", schema: C.RolloutState },
  "/api/secrets": { path: () => "/api/secrets", schema: C.SecretList },
  "/api/worker": { path: () => "/api/worker", schema: C.BundledWorkerStatus },
  "/api/draft/clusters": { path: () => "/api/draft/clusters", schema: C.DraftClusterList },
  "/api/draft/listeners": { path: () => "/api/draft/listeners", schema: C.DraftListenerList },
  "/api/draft/routes": { path: () => "/api/draft/routes", schema: C.DraftRouteList },
  "/api/draft/status": { path: () => "/api/draft/status", schema: C.DraftStatus },
  "/api/draft/discard-preview": { path: () => "/api/draft/discard-preview", schema: C.DiscardPreview },
  "/api/draft/diff": { path: () => "/api/draft/diff", schema: C.DraftDiff },
  "/api/draft/impact": { path: () => "/api/draft/impact", schema: C.DraftImpact },
  "/api/draft/route-tests": { path: () => "/api/draft/route-tests", schema: C.RouteTestSuite },
  "/api/stats/live": { path: () => "/api/stats/live?node=local&seconds=30", schema: C.LiveStats },
  "/api/demo": { path: () => "/api/demo", schema: DemoStatus },
  "/api/telemetry/series": { path: () => "/api/telemetry/series?window=5m&cluster=up", schema: C.Series },
  "/api/telemetry/summary": { path: () => "/api/telemetry/summary?window=1h", schema: C.TrafficSummary },
  "/api/telemetry/clusters/[name]": { path: () => "/api/telemetry/clusters/up", schema: C.ClusterLive },
  "/api/telemetry/trips": { path: () => "/api/telemetry/trips?window=24h", schema: C.TripList },
  "/api/events": { path: () => "/api/events?limit=20", schema: C.EventList },
  "/api/settings": { path: () => "/api/settings", schema: C.Settings },
  "/api/environments": { path: () => "/api/environments", schema: C.EnvironmentList },
  "/api/draft/validation": { path: () => "/api/draft/validation", schema: C.DraftValidation },
  "/api/live": { path: () => "/api/live", schema: C.LiveTick, sse: true },
  "/api/access-log": { path: () => "/api/access-log?limit=50", schema: C.AccessLogList },
  "/api/metrics": { path: () => "/api/metrics", text: (body) => expect(body).toMatch(/^# TYPE envoy_\w+ counter$/m) },
};

/** app/api/**\/route.ts files that export GET, as URL templates ("/api/versions/[id]/diff"). */
/** GET `p` as the contract's viewer account, signed in with its password (the session cookie). */
async function asContractUser(p: string): Promise<{ status: number; text: string; json: unknown }> {
  const login = await fetch(consoleProc.base + "/api/session", { method: "POST", headers: { "content-type": "application/json", origin: consoleProc.base }, body: JSON.stringify({ email: "contract@example.test", password: "contract password" }) });
  expect(login.status, await login.clone().text()).toBe(200);
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(consoleProc.base + p, { headers: { cookie } });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
}

function discoverGets(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "route.ts" && /export\s+(const|async function|\{[^}]*\bGET\b)\s*GET\b|\bas GET\b/.test(fs.readFileSync(p, "utf8")))
        out.push("/" + path.relative(path.join(ROOT, "app"), path.dirname(p)).split(path.sep).join("/"));
    }
  };
  walk(path.join(ROOT, "app", "api"));
  return out.filter((t) => t !== "/api/[...path]").sort();
}

beforeAll(async () => {
  upstream = await startUpstream("contract-up");
  const listenerPort = await freePort();
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-contract-", TOKEN));
  call = api(consoleProc.base, TOKEN);
  ids.first = (await call.as(C.VersionList, "GET", "/api/versions"))[0].id;
  ids.user = (await call.as(C.User, "POST", "/api/users", { email: "contract@example.test", name: "Contract", password: "contract password", role: "viewer" })).id;
  // a traced listener in front of a real upstream, published as version 2
  const l = listener("main", listenerPort, [prefixRoute("/", "up")]);
  (l.filter_chains[0].filters[0].typed_config as Record<string, unknown>).tracing = { random_sampling: { value: 100 } };
  expect((await call("PUT", "/api/config", bootstrap([l], [cluster("up", [upstream.port])]))).status).toBe(200);
  const v2 = await call("POST", "/api/versions", { message: "contract: traced listener" });
  expect(v2.status).toBe(201);
  ids.second = parsed(v2, C.PublishResult).id;
  await waitFor("the worker to serve version 2", async () => (await get(listenerPort, "/hello")).status === 200);
  for (let i = 0; i < 5; i++) await get(listenerPort, `/hello/${i}`);
  await waitFor("traces at the console", async () => (await call.as(C.TraceList, "GET", "/api/traces")).traces.length >= 5);
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  upstream?.server.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("API contract", () => {
  it("names a schema for every GET endpoint", () => {
    expect(discoverGets()).toEqual(Object.keys(GETS).sort());
  });

  it.each(Object.entries(GETS))("GET %s matches its schema", async (_template, e) => {
    if (e.sse) {
      const stream = await openSse(consoleProc.base + e.path(), { authorization: `Bearer ${TOKEN}` });
      const first = await stream.waitFor(1, 5000);
      stream.close();
      expect(stream.status).toBe(200);
      const result = e.schema!.safeParse(JSON.parse(first?.[0].data ?? "null"));
      expect(result.success ? [] : result.error.issues).toEqual([]);
      return;
    }
    const r = e.signedIn ? await asContractUser(e.path()) : await call("GET", e.path());
    expect(r.status, r.text).toBe(200);
    if (e.text) return e.text(r.text);
    const result = e.schema!.safeParse(r.json);
    expect(result.success ? [] : result.error.issues, JSON.stringify(r.json).slice(0, 500)).toEqual([]);
  });

  it("the data behind them is real: two versions, the live one on the connected node, traced spans", async () => {
    const versions = C.VersionList.parse((await call("GET", "/api/versions")).json);
    expect(versions.map((v) => v.number)).toEqual([2, 1]);
    expect(versions[0]).toMatchObject({ live: true, nodes: 1 });
    const nodes = C.NodeList.parse((await call("GET", "/api/nodes")).json);
    expect(nodes.find((n) => n.id === "local")).toMatchObject({ connected: true, appliedVersion: ids.second, appliedVersionNumber: 2, state: "applied" });
    const traces = C.TraceList.parse((await call("GET", "/api/traces")).json).traces;
    expect(traces[0].spans.some((s) => s.kind === "SERVER" && s.node === "local")).toBe(true);
  });

  it("error bodies match too: 401, 404, 400 and 422 with field paths", async () => {
    const anon = api(consoleProc.base, null);
    const cases = [
      await anon("GET", "/api/versions"),
      await call("GET", "/api/versions/nope"),
      await call("GET", "/api/no-such-endpoint"),
      await call("GET", `/api/versions/${ids.first}/diff`),
      await call("PUT", "/api/config", { static_resources: { listeners: [{ name: "x" }], clusters: [] } }),
    ];
    expect(cases.map((c) => c.status)).toEqual([401, 404, 404, 400, 422]);
    for (const c of cases) expect(C.ErrorBody.safeParse(c.json).success, c.text).toBe(true);
    expect(errorBody(cases[4]).errors?.length).toBeGreaterThan(0);
  });
});
