// Teams and ownership against the real console (production build, its SQLite file): an editor in team a changes a's
// route and cannot change team b's route or cluster, add a route to b's virtual host, or PUT a whole document that
// changes b's resources (403 naming the resource and its owner); an admin can. A change an editor made to a route
// before an admin gave it to team b cannot be published by an editor, only by an admin. An API token with team a
// acts like an editor of team a. Ownership is console metadata: the published snapshot carries none of it.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { User } from "../../lib/contract/accounts";
import { CreatedToken } from "../../lib/contract/tokens";
import { DraftClusterList, DraftRouteList } from "../../lib/contract/draft";
import { DraftListenerList } from "../../lib/contract/listeners";
import { MyTeams, Ownership, TeamInfo, TeamList } from "../../lib/contract/teams";
import { PublishResult, VersionDetail } from "../../lib/contract/versions";
import { bootstrap, cluster, prefixRoute } from "../../lib/config/test-fixtures";
import { HCM_TYPE, ROUTER_TYPE } from "../../proxy-core/src/config/index";
import { api, errorBody, freePort, parsed, startTestConsole, type ApiAnswer, type ConsoleProcess } from "./harness";

const TOKEN = "teams-int-" + Math.random().toString(36).slice(2);
let dataDir: string;
let consoleProc: ConsoleProcess;
let admin: ReturnType<typeof api>;
let base: string;
let editorCookie: string;

const named = (name: string, prefix: string, c: string) => ({ name, ...prefixRoute(prefix, c) });

/** One listener "main" with virtual hosts a-host (search, later) and b-host (pay); clusters payments and search-svc. */
function doc(port: number, pay: Record<string, unknown> = {}, search: Record<string, unknown> = {}) {
  return bootstrap(
    [
      {
        name: "main",
        address: { socket_address: { address: "127.0.0.1", port_value: port } },
        filter_chains: [{
          filters: [{
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": HCM_TYPE, stat_prefix: "main",
              route_config: {
                name: "main",
                virtual_hosts: [
                  { name: "a-host", domains: ["a.example"], routes: [{ ...named("search", "/search", "search-svc"), ...search }, named("later", "/later", "search-svc")] },
                  { name: "b-host", domains: ["*"], routes: [{ ...named("pay", "/pay", "payments"), ...pay }] },
                ],
              },
              http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
            },
          }],
        }],
      },
    ],
    [cluster("payments", [1]), cluster("search-svc", [2])],
  );
}
let port: number;

/** A request as a console page sends it: the session cookie, and the console's own Origin on writes. */
function asEditor(method: string, p: string, body?: unknown): Promise<ApiAnswer> {
  return api(base, null)(method, p, body, { cookie: editorCookie, ...(method === "GET" ? {} : { origin: base }) });
}

async function routeId(name: string): Promise<string> {
  const routes = await admin.as(DraftRouteList, "GET", "/api/draft/routes");
  const r = routes.find((x) => x.route.name === name);
  if (!r) throw new Error(`no route ${name}`);
  return r.id;
}

const withTimeout = (route: Record<string, unknown>, timeout: string) => ({ ...route, route: { ...(route.route as object), timeout } });

beforeAll(async () => {
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-teams-", TOKEN));
  base = consoleProc.base;
  admin = api(base, TOKEN);
  port = await freePort();
  const put = await admin("PUT", "/api/config", doc(port));
  expect(put.status, put.text).toBe(200);

  for (const name of ["a", "b"]) expect((await admin("POST", "/api/teams", { name })).status).toBe(201);
  const u = await admin("POST", "/api/users", { email: "ed@teams.test", name: "Ed", password: "editor password 123", role: "editor" });
  expect(u.status, u.text).toBe(201);
  const members = await admin("PUT", "/api/teams/a/members", { userIds: [parsed(u, User).id] });
  expect(members.status, members.text).toBe(200);
  expect(parsed(members, TeamInfo).members.map((m) => m.email)).toEqual(["ed@teams.test"]);

  const own = async (body: Record<string, unknown>) => {
    const r = await admin("PUT", "/api/draft/ownership", body);
    expect(r.status, r.text).toBe(200);
    return parsed(r, Ownership);
  };
  await own({ kind: "route", id: await routeId("search"), team: "a" });
  await own({ kind: "virtual_host", listener: "main", name: "b-host", team: "b" });
  expect(await own({ kind: "cluster", name: "payments", team: "b" })).toMatchObject({ kind: "cluster", name: "payments", owner: "b" });

  const login = await api(base, null)("POST", "/api/session", { email: "ed@teams.test", password: "editor password 123" });
  expect(login.status, login.text).toBe(200);
  editorCookie = login.headers.getSetCookie().find((c) => c.startsWith("signalbox_session="))!.split(";")[0];
});

afterAll(async () => {
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("teams", () => {
  it("lists teams with their members for admins only, and refuses bad names with the field", async () => {
    const teams = await admin.as(TeamList, "GET", "/api/teams");
    expect(teams.map((t) => [t.name, t.members.length])).toEqual([["a", 1], ["b", 0]]);
    expect((await asEditor("GET", "/api/teams")).status).toBe(403);
    const bad = await admin("POST", "/api/teams", { name: "Not Valid" });
    expect(bad.status).toBe(400);
    expect(errorBody(bad).error.message).toMatch(/name: a team name is lowercase/);
    expect((await admin("POST", "/api/teams", { name: "a" })).status).toBe(409);
    expect((await admin("PUT", "/api/teams/a/members", { userIds: ["nobody"] })).status).toBe(400);
    expect(await parsed(await asEditor("GET", "/api/draft/ownership"), MyTeams)).toEqual({ teams: ["a"], admin: false });
  });

  it("shows owners, and what the caller may change, in the draft's listings", async () => {
    const routes = parsed(await asEditor("GET", "/api/draft/routes"), DraftRouteList);
    expect(routes.map((r) => [r.route.name, r.owner, r.editable])).toEqual([["search", "a", true], ["later", null, true], ["pay", "b", false]]);
    const clusters = parsed(await asEditor("GET", "/api/draft/clusters"), DraftClusterList);
    expect(clusters.map((c) => [c.name, c.owner, c.editable])).toEqual([["payments", "b", false], ["search-svc", null, true]]);
    const listeners = parsed(await asEditor("GET", "/api/draft/listeners"), DraftListenerList);
    expect(listeners[0].virtualHosts.map((v) => [v.name, v.owner, v.editable])).toEqual([["a-host", null, true], ["b-host", "b", false]]);
  });
});

describe("ownership rules", () => {
  it("lets an editor of team a change a's route", async () => {
    const r = await asEditor("PUT", `/api/draft/routes/${await routeId("search")}`, { route: withTimeout(named("search", "/search", "search-svc"), "4s") });
    expect(r.status, r.text).toBe(200);
  });

  it("refuses b's route, b's cluster and a new route in b's virtual host with 403 naming them", async () => {
    const pay = await asEditor("PUT", `/api/draft/routes/${await routeId("pay")}`, { route: withTimeout(named("pay", "/pay", "payments"), "4s") });
    expect(pay.status).toBe(403);
    expect(errorBody(pay).error.message).toBe("route pay on main/b-host belongs to team b; you are in team a");
    expect((await asEditor("DELETE", `/api/draft/routes/${await routeId("pay")}`)).status).toBe(403);

    const payments = await asEditor("PUT", "/api/draft/clusters/payments", { ...cluster("payments", [1]), connect_timeout: "3s" });
    expect(payments.status).toBe(403);
    expect(errorBody(payments).error.message).toBe("cluster payments belongs to team b; you are in team a");

    const add = await asEditor("POST", "/api/draft/routes", { listener: "main", virtualHost: "b-host", route: named("sneak", "/sneak", "search-svc") });
    expect(add.status).toBe(403);
    expect(errorBody(add).error.message).toBe("cannot add route sneak to virtual host main/b-host: it belongs to team b; you are in team a");
    // nothing of it was written
    expect((await admin.as(DraftRouteList, "GET", "/api/draft/routes")).map((r) => r.route.name)).toEqual(["search", "later", "pay"]);
  });

  it("refuses a whole document that changes b's resources, and takes one that changes only a's", async () => {
    const theirs = await asEditor("PUT", "/api/config", doc(port, { route: { cluster: "search-svc" } }, { route: { cluster: "search-svc", timeout: "4s" } }));
    expect(theirs.status).toBe(403);
    expect(errorBody(theirs).error.message).toMatch(/^route pay on main\/b-host belongs to team b/);
    const mine = await asEditor("PUT", "/api/config", doc(port, {}, { route: { cluster: "search-svc", timeout: "5s" } }));
    expect(mine.status, mine.text).toBe(200);
    // owners survive a whole-document write
    const routes = await admin.as(DraftRouteList, "GET", "/api/draft/routes");
    expect(routes.map((r) => [r.route.name, r.owner])).toEqual([["search", "a"], ["later", null], ["pay", "b"]]);
    // and stay out of the Envoy document
    expect((await admin("GET", "/api/config")).text).not.toMatch(/owner/);
  });

  it("lets an admin change anything", async () => {
    const r = await admin("PUT", `/api/draft/routes/${await routeId("pay")}`, { route: withTimeout(named("pay", "/pay", "payments"), "6s") });
    expect(r.status, r.text).toBe(200);
    expect((await admin("PUT", "/api/draft/clusters/payments", { ...cluster("payments", [1]), connect_timeout: "2s" })).status).toBe(200);
  });

  it("lets a token with team a act like an editor of team a", async () => {
    const created = parsed(await admin("POST", "/api/tokens", { name: "ci-a", kind: "api", role: "editor", team: "a" }), CreatedToken);
    expect(created.token.team).toBe("a");
    const ci = api(base, created.secret);
    const mine = await ci("PUT", `/api/draft/routes/${await routeId("search")}`, { route: withTimeout(named("search", "/search", "search-svc"), "7s") });
    expect(mine.status, mine.text).toBe(200);
    const theirs = await ci("PUT", `/api/draft/routes/${await routeId("pay")}`, { route: withTimeout(named("pay", "/pay", "payments"), "7s") });
    expect(theirs.status).toBe(403);
    expect(errorBody(theirs).error.message).toBe("route pay on main/b-host belongs to team b; you are in team a");
    expect((await admin("POST", "/api/tokens", { name: "ci-x", kind: "api", team: "nope" })).status).toBe(400);
  });
});

describe("publishing", () => {
  it("refuses an editor's publish of a change made before the route went to another team; an admin's goes through", async () => {
    const later = await routeId("later");
    const edit = await asEditor("PUT", `/api/draft/routes/${later}`, { route: withTimeout(named("later", "/later", "search-svc"), "8s") });
    expect(edit.status, edit.text).toBe(200);
    expect((await admin("PUT", "/api/draft/ownership", { kind: "route", id: later, team: "b" })).status).toBe(200);

    const refused = await asEditor("POST", "/api/versions", { message: "editor publish" });
    expect(refused.status).toBe(403);
    expect(errorBody(refused).error.message).toMatch(/change to route later on main\/a-host, which belongs to team b, by ed@teams\.test .*who was not in team b/);

    const published = await admin("POST", "/api/versions", { message: "admin publish" });
    expect(published.status, published.text).toBe(201);
    const v = parsed(published, PublishResult);
    // ownership is console metadata: the version's Envoy snapshot carries none of it
    const full = await admin.as(VersionDetail, "GET", `/api/versions/${v.id}`);
    expect(JSON.stringify(full.snapshot)).not.toMatch(/owner/);
  });

  it("lets an editor publish once the draft holds only changes they had a right to", async () => {
    const r = await asEditor("PUT", `/api/draft/routes/${await routeId("search")}`, { route: withTimeout(named("search", "/search", "search-svc"), "9s") });
    expect(r.status, r.text).toBe(200);
    const ok = await asEditor("POST", "/api/versions", { message: "editor publish of a's route" });
    expect(ok.status, ok.text).toBe(201);
  });

  it("deleting a team leaves what it owned unowned", async () => {
    expect((await admin("DELETE", "/api/teams/b")).status).toBe(200);
    expect((await admin("DELETE", "/api/teams/b")).status).toBe(404);
    const routes = await admin.as(DraftRouteList, "GET", "/api/draft/routes");
    expect(routes.map((r) => [r.route.name, r.owner])).toEqual([["search", "a"], ["later", null], ["pay", null]]);
  });
});
