// The impact preview end to end: the real console, its bundled worker and real upstreams. Known requests go through
// the worker, the draft is edited (/api/v1 to another cluster, the /other route deleted), and GET /api/draft/impact
// must report exactly the replay this test computes from the requests it sent: 30 move a → b, 10 get no route.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, ConsoleProcess, freePort, get, parsed, startUpstream, waitFor, startTestConsole } from "./harness";

const TOKEN = "impact-token-" + Math.random().toString(36).slice(2);

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let edgePort: number;
const upstreams: Awaited<ReturnType<typeof startUpstream>>[] = [];

type Routes = { name: string; prefix: string; cluster: string }[];
const LIVE: Routes = [
  { name: "api_v1", prefix: "/api/v1", cluster: "a" },
  { name: "other", prefix: "/other", cluster: "c" },
];
const DRAFT: Routes = [{ name: "api_v1", prefix: "/api/v1", cluster: "b" }];
const toRoutes = (rs: Routes) => rs.map((r) => ({ name: r.name, stat_prefix: r.name, match: { prefix: r.prefix }, route: { cluster: r.cluster } }));

/** The test's own replay: the first route whose prefix takes the path, in each route list. */
function expectedReplay(paths: string[]) {
  const first = (rs: Routes, p: string) => rs.find((r) => p.startsWith(r.prefix)) ?? null;
  const moves = new Map<string, { routeBefore: string; routeAfter: string; clusterBefore: string; clusterAfter: string; requests: number }>();
  let noRoute = 0;
  let unchanged = 0;
  for (const p of paths) {
    const [before, after] = [first(LIVE, p), first(DRAFT, p)];
    if (before && !after) noRoute++;
    else if (!before || !after || (before.name === after.name && before.cluster === after.cluster)) unchanged++;
    else {
      const k = `${before.name}>${after.name}>${before.cluster}>${after.cluster}`;
      const m = moves.get(k) ?? { routeBefore: before.name, routeAfter: after.name, clusterBefore: before.cluster, clusterAfter: after.cluster, requests: 0 };
      m.requests++;
      moves.set(k, m);
    }
  }
  return { moves: [...moves.values()].sort((a, b) => b.requests - a.requests), noRoute, unchanged };
}

async function impact(): Promise<C.DraftImpact> {
  const r = await call("GET", "/api/draft/impact");
  expect(r.status, r.text).toBe(200);
  return C.DraftImpact.parse(r.json);
}

beforeAll(async () => {
  for (const name of ["a", "b", "c"]) upstreams.push(await startUpstream(name));
  edgePort = await freePort();
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-impact-", TOKEN));
  call = api(consoleProc.base, TOKEN);
  const clusters = ["a", "b", "c"].map((n, i) => cluster(n, [upstreams[i].port]));
  expect((await call("PUT", "/api/config", bootstrap([listener("edge", edgePort, toRoutes(LIVE))], clusters))).status).toBe(200);
  const v = await call("POST", "/api/versions", { message: "impact test" });
  expect(v.status).toBe(201);
  const { id } = parsed(v, C.PublishResult);
  await waitFor("the worker to apply the version", async () => (await call.as(C.NodeList, "GET", "/api/nodes")).some((n) => n.id === "local" && n.appliedVersion === id));
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  for (const u of upstreams) u.server.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("impact preview", () => {
  it("needs the token", async () => {
    expect((await api(consoleProc.base, null)("GET", "/api/draft/impact")).status).toBe(401);
  });

  it("has no traffic to replay before any request", async () => {
    const r = await impact();
    expect(r.window.requests).toBe(0);
    expect(r.moves).toEqual([]);
    expect(r.live?.number).toBeGreaterThan(0);
  });

  it("replays the requests the worker served against the draft: 30 move a → b, 10 get no route", async () => {
    const paths = [...Array.from({ length: 30 }, (_, i) => `/api/v1/x/${i}?n=${i}`), ...Array.from({ length: 10 }, (_, i) => `/other/${i}`)];
    for (const p of paths) {
      const r = await get(edgePort, p);
      expect(r.status).toBe(200);
      expect(r.body).toBe(`${p.startsWith("/api") ? "a" : "c"} ${p}`);
    }
    const listeners = [listener("edge", edgePort, toRoutes(DRAFT))];
    const clusters = ["a", "b", "c"].map((n, i) => cluster(n, [upstreams[i].port]));
    expect((await call("PUT", "/api/config", bootstrap(listeners, clusters))).status).toBe(200);

    // workers send their sample at most every 10 s
    let last: C.DraftImpact | null = null;
    const r = await waitFor("the 40 requests to be sampled", async () => {
      last = await impact();
      return last.window.requests >= paths.length ? last : null;
    }, 30_000, 500).catch((e: Error) => {
      throw new Error(`${e.message}\nlast answer: ${JSON.stringify(last)}\n--- console output ---\n${consoleProc.log.slice(-4000)}`);
    });
    const want = expectedReplay(paths);
    expect(want).toEqual({ moves: [{ routeBefore: "api_v1", routeAfter: "api_v1", clusterBefore: "a", clusterAfter: "b", requests: 30 }], noRoute: 10, unchanged: 0 });

    expect(r.window.requests).toBe(paths.length);
    expect(r.moves.map((m) => ({ routeBefore: m.routeBefore?.name, routeAfter: m.routeAfter.name, clusterBefore: m.clusterBefore, clusterAfter: m.clusterAfter, requests: m.requests }))).toEqual(want.moves);
    expect(r.noRoute.requests).toBe(want.noRoute);
    expect(r.unchanged).toBe(want.unchanged);
    // all sent within a minute: the rate is the count over that minute
    expect(r.moves[0].perMinute).toBe(30);
    expect(r.noRoute.perMinute).toBe(10);
    expect(r.noRoute.byRoute.map((g) => [g.listener, g.routeBefore.name, g.requests])).toEqual([["edge", "other", 10]]);
    // the examples are requests that were sent, as they were sent
    for (const e of [...r.moves[0].examples, ...r.noRoute.examples]) {
      expect(paths).toContain(e.path);
      expect([e.node, e.listener, e.method, e.authority, e.headers]).toEqual(["local", "edge", "GET", `127.0.0.1:${edgePort}`, []]);
    }
    expect(r.moves[0].examples).toHaveLength(3);
    expect(r.notes).toEqual([]);
  });

  it("follows the draft: put the route back and nothing moves", async () => {
    const clusters = ["a", "b", "c"].map((n, i) => cluster(n, [upstreams[i].port]));
    expect((await call("PUT", "/api/config", bootstrap([listener("edge", edgePort, toRoutes(LIVE))], clusters))).status).toBe(200);
    const r = await impact();
    expect(r.moves).toEqual([]);
    expect(r.noRoute.requests).toBe(0);
    expect(r.unchanged).toBe(40);
  });
});
