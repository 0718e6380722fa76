// A newcomer's first route, and the limits the API and the forms share, against the real console (production
// build) with its bundled worker and a real upstream: `/api` added through POST /api/draft/routes on the starter
// config goes above the starter's catch-all and answers from the upstream as soon as it is published; an explicit
// position is honoured; and PUT /api/config refuses an over-long name and an endpoint on port 0 in the words the
// forms' own models give (the same schema: proxy-core/src/config/schema-limits.ts).
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { STARTER_BODY } from "../../lib/config/starter";
import { emptyCluster, validateCluster } from "../../components/clusters/cluster-form-model";
import { EMPTY_ROUTE, validateRoute } from "../../components/routes/route-form-model";
import { api, assertBuilt, ConsoleProcess, freePort, get, parsed, startUpstream, tmpDir } from "./harness";

const TOKEN = "placement-token-" + Math.random().toString(36).slice(2);

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let starterPort: number;

async function routes() {
  const r = await call("GET", "/api/draft/routes");
  expect(r.status, r.text).toBe(200);
  return C.DraftRouteList.parse(r.json);
}

async function addRoute(body: Record<string, unknown>) {
  const r = await call("POST", "/api/draft/routes", body);
  expect(r.status, r.text).toBe(201);
  return C.CreatedRoute.parse(r.json);
}

/** Publishes the draft and waits for the bundled worker to run it. */
async function publish(message: string) {
  const r = await call("POST", "/api/versions", { message });
  expect(r.status, r.text).toBe(201);
  const { id } = parsed(r, C.PublishResult);
  await consoleProc.until(`node local to apply ${id}`, async () => {
    const nodes = C.NodeList.parse((await call("GET", "/api/nodes")).json);
    return nodes.some((n) => n.id === "local" && n.appliedVersion === id);
  }, 30_000);
}

/** The 422's errors, as `path: message`. */
async function refused(method: string, path: string, body: unknown) {
  const r = await call(method, path, body);
  expect(r.status, r.text).toBe(422);
  return (C.ErrorBody.parse(r.json).errors ?? []).map((e) => `${e.path}: ${e.message}`);
}

beforeAll(async () => {
  assertBuilt();
  upstream = await startUpstream("api");
  dataDir = tmpDir("signalbox-placement-");
  starterPort = await freePort();
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort, workerAdminPort: await freePort() });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
  await consoleProc.until("the starter version on the bundled worker", async () => (await get(starterPort, "/")).body === STARTER_BODY, 30_000);
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  upstream?.server.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("a newcomer's first route", () => {
  it("goes above the starter's catch-all and answers from the upstream once published", async () => {
    const put = await call("PUT", "/api/draft/clusters/api", cluster("api", [upstream.port]));
    expect(put.status, put.text).toBe(201);
    const created = await addRoute({ route: { match: { prefix: "/api" }, route: { cluster: "api" } } });
    expect(created.position).toBe(0);
    expect(created.placement).toEqual({
      position: 0,
      before: { name: "starter", match: { prefix: "/" } },
      reason: "above_shadowing_route",
      message: "placed as route 1, above route 2 (prefix /, starter), which matches every request this one would",
    });
    expect((await routes()).map((r) => r.route.name)).toEqual(["api", "starter"]);

    await publish("newcomer: /api");
    const r = await get(starterPort, "/api/users");
    expect(r).toEqual({ status: 200, body: "api /api/users" });
    expect((await get(starterPort, "/")).body).toBe(STARTER_BODY);
  });

  it("honours an explicit position, saying when the route can never match there", async () => {
    const health = { match: { path: "/api/health" }, direct_response: { status: 200, body: { inline_string: "ok" } } };
    // on its own it would go above /api, which takes every request it would
    const asked = await addRoute({ route: health, position: 1 });
    expect(asked.placement).toMatchObject({ position: 1, reason: "requested", before: { name: "starter" } });
    expect(asked.placement.message).toBe(
      "placed as route 2, above route 3 (prefix /, starter), as asked; it can never match there: route 1 (prefix /api, api) matches every request it would",
    );
    expect((await routes()).map((r) => r.route.match)).toEqual([{ prefix: "/api" }, { path: "/api/health" }, { prefix: "/" }]);
    // last, past the end, is refused with the field and the range
    expect(await refused("POST", "/api/draft/routes", { route: { match: { prefix: "/z" }, direct_response: { status: 204 } }, position: 4 })).toEqual([
      'position: must be between 0 and 3 (virtual host "default" has 3 routes; 3 puts it last)',
    ]);
    await publish("health where it cannot match");
    expect((await get(starterPort, "/api/health")).body).toBe("api /api/health");
  });
});

describe("one set of limits for the API and the forms", () => {
  const doc = (clusterName: string, port: number) =>
    bootstrap([listener("main", starterPort, [{ match: { prefix: "/" }, route: { cluster: clusterName } }])], [cluster(clusterName, [port])]);
  const CLUSTER = "static_resources.clusters[0]";

  it("refuses a cluster name over 253 characters as the cluster form does", async () => {
    const name = "c".repeat(254);
    const form = validateCluster({ ...emptyCluster(), name, endpoints: [{ ...emptyCluster().endpoints[0], port: String(upstream.port) }] });
    expect(form).toEqual([{ path: "name", message: "must be at most 253 characters" }]);
    expect(await refused("PUT", "/api/config", doc(name, upstream.port))).toContain(`${CLUSTER}.name: ${form[0].message}`);
    // and the per-cluster endpoint the form saves through
    expect(await refused("PUT", `/api/draft/clusters/${name}`, cluster(name, [upstream.port]))).toContain(`name: ${form[0].message}`);
  });

  it("refuses an endpoint on port 0 as the cluster form does", async () => {
    const form = validateCluster({ ...emptyCluster(), name: "zero", endpoints: [{ ...emptyCluster().endpoints[0], port: "0" }] });
    const PORT = "load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value";
    expect(form).toEqual([{ path: PORT, message: "must be a port between 1 and 65535" }]);
    expect(await refused("PUT", "/api/config", doc("zero", 0))).toEqual([`${CLUSTER}.${PORT}: ${form[0].message}`]);
  });

  it("refuses an over-long route name and a direct response body over 4096 bytes as the route form does", async () => {
    const name = "r".repeat(254);
    const nameForm = validateRoute({ ...EMPTY_ROUTE, name, cluster: "api" });
    expect(nameForm).toEqual([{ path: "name", message: "must be at most 253 characters" }]);
    expect(await refused("POST", "/api/draft/routes", { route: { name, match: { prefix: "/long" }, route: { cluster: "api" } } })).toEqual([`name: ${nameForm[0].message}`]);

    const body = "x".repeat(1024 * 1024);
    const bodyForm = validateRoute({ ...EMPTY_ROUTE, action: "direct_response", status: "200", body });
    expect(bodyForm).toEqual([{ path: "direct_response.body.inline_string", message: "must be at most 4096 bytes (Envoy's default max_direct_response_body_size_bytes)" }]);
    expect(await refused("POST", "/api/draft/routes", { route: { match: { prefix: "/big" }, direct_response: { status: 200, body: { inline_string: body } } } })).toEqual([
      `direct_response.body.inline_string: ${bodyForm[0].message}`,
    ]);
  });

  it("still takes a listener on port 0, Envoy's \"any free port\" (workers sharing a machine publish such listeners)", async () => {
    const put = await call("PUT", "/api/config", bootstrap([listener("spare", 0, [{ match: { prefix: "/" }, direct_response: { status: 204 } }])], []));
    expect(put.status, put.text).toBe(200);
  });
});
