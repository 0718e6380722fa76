// Editors limited to some environments, against the real console (production build, its SQLite file, no worker):
// an admin limits an editor to staging (PATCH /api/users/{id}, names checked against the environments, audited);
// signed in, the editor publishes in staging and gets 403 naming default for a draft edit, a publish, a promotion
// into default (whichever environment the request acts on) and a new environment, while every read of default
// works and so do the tools that change nothing. An admin with the same list is not limited; lifting the limit
// applies to the editor's very next request.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { User, UserList } from "../../lib/contract/accounts";
import { AuditList } from "../../lib/contract/audit";
import { EnvironmentList } from "../../lib/contract/environments";
import { Session } from "../../lib/contract/session";
import { PublishResult, VersionList, VersionSummary } from "../../lib/contract/versions";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, errorBody, freePort, parsed, startTestConsole, type ApiAnswer, type ConsoleProcess } from "./harness";

const TOKEN = "user-env-" + Math.random().toString(36).slice(2);
let dataDir: string;
let consoleProc: ConsoleProcess;
let admin: ReturnType<typeof api>;
let base: string;
let upstreamPort: number;

const inEnv = (env: string): Record<string, string> => ({ "x-signalbox-environment": env });

/** /api to cluster `c` (no traffic flows: nothing here runs a worker). */
const config = (tag: string) => bootstrap([listener("edge", 0, [{ name: tag, match: { prefix: "/api" }, route: { cluster: "one" } }])], [cluster("one", [upstreamPort])]);

/** A signed-in account's requests as a console page sends them: the session cookie, the console's Origin on writes. */
async function signedIn(email: string, password: string) {
  const login = await api(base, null)("POST", "/api/session", { email, password });
  expect(login.status, login.text).toBe(200);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith("signalbox_session="))!.split(";")[0];
  return (method: string, p: string, env: string, body?: unknown): Promise<ApiAnswer> =>
    api(base, null)(method, p, body, { cookie, ...inEnv(env), ...(method === "GET" ? {} : { origin: base }) });
}

async function createUser(email: string, role: "editor" | "admin"): Promise<string> {
  const r = await admin("POST", "/api/users", { email, name: email.split("@")[0], password: `${role} password 123`, role });
  expect(r.status, r.text).toBe(201);
  return parsed(r, User).id;
}

function expectRefused(r: ApiAnswer, env: string) {
  expect(r.status, r.text).toBe(403);
  const e = errorBody(r).error;
  expect(e.code).toBe("forbidden");
  expect(e.message).toContain(`changes environment ${env}: you may change environments staging only`);
}

let editorId: string;
let stagingVersion: string;

beforeAll(async () => {
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-user-env-", TOKEN, { env: { SIGNALBOX_WORKER: "off" } }));
  base = consoleProc.base;
  admin = api(base, TOKEN);
  upstreamPort = await freePort();
  expect((await admin("POST", "/api/environments", { name: "staging" })).status).toBe(201);
  editorId = await createUser("ed@user-env.test", "editor");
}, 60_000);

afterAll(async () => {
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("an editor's environments", () => {
  it("are set by an admin with PATCH /api/users/{id}: existing names only, audited, shown in the list", async () => {
    const unknown = await admin("PATCH", `/api/users/${editorId}`, { environments: ["staging", "prod"] });
    expect(unknown.status, unknown.text).toBe(400);
    expect(errorBody(unknown).errors).toEqual([{ path: "environments.1", message: "environment prod does not exist" }]);
    const misspelt = await admin("PATCH", `/api/users/${editorId}`, { environments: ["Not An Env"] });
    expect(misspelt.status).toBe(400);
    expect(errorBody(misspelt).error.message).toMatch(/^invalid body: environments\.0: an environment name is/);
    expect((await admin("PATCH", `/api/users/${editorId}`, {})).status).toBe(400);
    // nothing changed by the refused ones
    expect((await admin.as(UserList, "GET", "/api/users")).find((u) => u.id === editorId)?.environments).toBeNull();

    const set = await admin("PATCH", `/api/users/${editorId}`, { environments: ["staging", "staging"] });
    expect(set.status, set.text).toBe(200);
    expect(parsed(set, User)).toMatchObject({ role: "editor", environments: ["staging"] });
    expect((await admin.as(UserList, "GET", "/api/users")).find((u) => u.id === editorId)?.environments).toEqual(["staging"]);
    const [entry] = await admin.as(AuditList, "GET", "/api/audit?limit=5&action=user.environments");
    expect(entry).toMatchObject({ actor: "admin", target: editorId, details: { email: "ed@user-env.test", from: null, to: ["staging"] } });
  });

  it("lets the editor publish in staging and refuses every write in default, naming it", async () => {
    const ed = await signedIn("ed@user-env.test", "editor password 123");
    const put = await ed("PUT", "/api/config", "staging", config("staging-1"));
    expect(put.status, put.text).toBe(200);
    const pub = await ed("POST", "/api/versions", "staging", { message: "staging by ed" });
    expect(pub.status, pub.text).toBe(201);
    stagingVersion = parsed(pub, PublishResult).id;

    expectRefused(await ed("PUT", "/api/config", "default", config("default-1")), "default");
    expectRefused(await ed("POST", "/api/versions", "default", { message: "default by ed" }), "default");
    // a promotion changes its target, whichever environment the request acts on
    expectRefused(await ed("POST", "/api/environments/default/promote", "staging", { versionId: stagingVersion }), "default");
    expectRefused(await ed("POST", "/api/environments/default/promote", "default", { versionId: stagingVersion }), "default");
    expectRefused(await ed("POST", "/api/environments", "staging", { name: "qa" }), "qa");
    const [starter] = await admin.as(VersionList, "GET", "/api/versions");
    expectRefused(await ed("POST", `/api/versions/${starter.id}/rollback`, "default", {}), "default");

    // reading default, and the tools that change nothing, stay allowed
    for (const p of ["/api/config", "/api/draft/status", "/api/versions", "/api/draft/routes", "/api/environments"]) {
      const r = await ed("GET", p, "default");
      expect(r.status, `${p}: ${r.text}`).toBe(200);
    }
    // the pages learn it from the session: read-only in default, writable in staging
    expect(parsed(await ed("GET", "/api/session", "default"), Session)).toMatchObject({ role: "editor", mayChange: false, environments: ["staging"] });
    expect(parsed(await ed("GET", "/api/session", "staging"), Session)).toMatchObject({ role: "editor", mayChange: true, environments: ["staging"] });
    expect((await ed("POST", "/api/routes/explain", "default", { host: "example.com", path: "/" })).status).toBe(200);
    expect((await ed("POST", "/api/draft/route-tests/run", "default", {})).status).toBe(200);
    // nothing was written in default, and no environment qa exists
    expect((await admin.as(VersionList, "GET", "/api/versions")).map((v) => v.message)).not.toContain("default by ed");
    expect((await admin.as(EnvironmentList, "GET", "/api/environments")).environments.map((e) => e.name).sort()).toEqual(["default", "staging"]);
  });

  it("never limits an admin, even one with a list", async () => {
    const id = await createUser("root@user-env.test", "admin");
    expect((await admin("PATCH", `/api/users/${id}`, { environments: ["staging"] })).status).toBe(200);
    const root = await signedIn("root@user-env.test", "admin password 123");
    const put = await root("PUT", "/api/config", "default", config("default-by-admin"));
    expect(put.status, put.text).toBe(200);
    const promoted = await root("POST", "/api/environments/default/promote", "staging", { versionId: stagingVersion, discardDraft: true });
    expect(promoted.status, promoted.text).toBe(201);
    expect(parsed(promoted, VersionSummary)).toMatchObject({ environment: "default", promotedFromId: stagingVersion });
  });

  it("applies a lifted limit on the editor's next request", async () => {
    const ed = await signedIn("ed@user-env.test", "editor password 123");
    expectRefused(await ed("PUT", "/api/config", "default", config("default-2")), "default");
    const lift = await admin("PATCH", `/api/users/${editorId}`, { environments: null });
    expect(lift.status, lift.text).toBe(200);
    expect(parsed(lift, User).environments).toBeNull();
    // the same session, no new sign-in
    const put = await ed("PUT", "/api/config", "default", config("default-2"));
    expect(put.status, put.text).toBe(200);
    const pub = await ed("POST", "/api/versions", "default", { message: "default by ed" });
    expect(pub.status, pub.text).toBe(201);
    // and a limit set again applies at once too
    expect((await admin("PATCH", `/api/users/${editorId}`, { environments: [] })).status).toBe(200);
    expect((await admin.as(UserList, "GET", "/api/users")).find((u) => u.id === editorId)?.environments).toBeNull();
    expect((await admin("PATCH", `/api/users/${editorId}`, { environments: ["staging"] })).status).toBe(200);
    expectRefused(await ed("POST", "/api/versions", "default", { message: "again" }), "default");
  });
});
