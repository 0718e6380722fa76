// Hostile strings shown inertly, in a real Chromium against the real console (production build, bundled worker):
// script and markup injections, a javascript: URL, SQL and NoSQL operators, an RTL override and long strings are
// stored through the API in every free-text field that takes them (route, virtual host, listener and cluster
// names, stat prefixes, path prefixes, header matcher names and values, response header values, domains, version
// messages, a route-test name, the reason of a publish over failing route tests, a user's name); a field whose
// schema refuses such characters answers 4xx naming the field. Then every page that shows them (Overview, Routes,
// Clusters and a cluster's page, Listeners, Versions with its diff and rollback dialog, Nodes, Audit, Settings, the
// Review drawer) is visited: no script ran (window.__pwned stays undefined), no dialog opened, the strings read as
// text, nothing was refused by the Content-Security-Policy and React logged nothing; every table is still in the
// database and every string comes back through GET byte for byte. The pages carry the security headers.
import path from "node:path";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { starterRoutes, staticCluster, useScene, type Doc, type SceneParts } from "./scene";

const PWN_IMG = `<img src=x onerror="window.__pwned=1">`;
const PWN_SCRIPT = `"><script>window.__pwned=1</script>`;
const JS_URL = "javascript:window.__pwned=1";
const SQL = `'; DROP TABLE "ConfigVersion"; --`;
const NOSQL = `{"$gt":""}`;
const RTL = "\u202Eexe.txt";
const LONG = "long-" + "x".repeat(240);
const MESSAGE = `${PWN_IMG} ${SQL} ${NOSQL} ${RTL}`;
const REASON = `${PWN_SCRIPT} ${JS_URL}`;
const USER_NAME = `${PWN_IMG}${SQL}`;
const TABLES = ["ConfigVersion", "DraftRoute", "DraftCluster", "DraftListener", "DraftVirtualHost", "AuditEvent", "User", "Session", "ApiToken", "LiveState"];

interface Vh {
  name: string;
  domains: string[];
  routes: Record<string, unknown>[];
}
interface Hcm {
  stat_prefix: string;
  route_config: { virtual_hosts: Vh[] };
  http_filters: unknown[];
  "@type": string;
}

function mainHcm(doc: Doc): Hcm {
  return (doc.static_resources.listeners[0] as unknown as { filter_chains: { filters: { typed_config: Hcm }[] }[] }).filter_chains[0].filters[0].typed_config;
}

/** The live version: hostile names everywhere Envoy's schema takes them. */
function hostile(doc: Doc, parts: SceneParts): void {
  doc.static_resources.clusters.push(staticCluster(PWN_SCRIPT, parts.up.a.port));
  const hcm = mainHcm(doc);
  hcm.stat_prefix = PWN_IMG;
  starterRoutes(doc).unshift(
    { name: PWN_IMG, stat_prefix: PWN_SCRIPT, match: { prefix: "/a" }, route: { cluster: PWN_SCRIPT }, response_headers_to_add: [{ header: { key: "x-note", value: JS_URL } }] } as never,
    { name: SQL, match: { prefix: "/sql", headers: [{ name: PWN_IMG, string_match: { exact: PWN_SCRIPT } }] }, route: { cluster: PWN_SCRIPT } } as never,
    { name: `${NOSQL}${RTL}`, match: { prefix: `/${PWN_IMG}` }, route: { cluster: PWN_SCRIPT } } as never,
    { name: LONG, match: { prefix: "/long", headers: [{ name: "x-long", string_match: { exact: "v".repeat(4000) } }] }, route: { cluster: PWN_SCRIPT } } as never,
  );
  hcm.route_config.virtual_hosts.unshift({ name: PWN_SCRIPT, domains: [PWN_IMG, JS_URL, `${SQL}.test`], routes: [{ name: "evil-vh-route", match: { prefix: "/" }, route: { cluster: PWN_SCRIPT } }] });
  const edge = structuredClone(doc.static_resources.listeners[0]) as unknown as Record<string, unknown>;
  edge.name = PWN_SCRIPT;
  edge.address = { socket_address: { address: "127.0.0.1", port_value: parts.edgePort } };
  doc.static_resources.listeners.push(edge as never);
}

const scene = useScene({
  upstreams: { a: "answer from A" },
  edge: true,
  live: hostile,
  message: MESSAGE,
  login: true,
});

/** What a page did that it must not: scripts run, dialogs, CSP refusals, React's complaints, uncaught errors. */
const incidents: string[] = [];
let watched: Page | null = null;

function watch(page: Page): void {
  if (watched === page) return;
  watched = page;
  page.on("dialog", (d) => {
    incidents.push(`dialog ${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on("pageerror", (e) => incidents.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    const t = m.text();
    if (m.type() === "error" && /dangerouslySetInnerHTML|Content Security Policy|Refused to|pwned/i.test(t)) incidents.push(`console: ${t.slice(0, 300)}`);
  });
}

/** Opens `p`, waits for each text to be shown as text, and checks that nothing ran. */
async function visit(page: Page, url: string, texts: string[]): Promise<void> {
  watch(page);
  const res = await page.goto(url);
  expect(res?.status(), url).toBeLessThan(400);
  for (const t of texts) await page.getByText(t, { exact: false }).first().waitFor({ timeout: 15_000 });
  await inert(page, url);
}

async function inert(page: Page, where: string): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), where).toBeUndefined();
  // an injected element would be in the DOM even where the CSP kept it from running
  expect(await page.locator('img[src="x"], [onerror], a[href^="javascript:" i]').count(), where).toBe(0);
  expect(incidents, where).toEqual([]);
}

let version: { id: string; number: number };
let userId: string;

beforeAll(async () => {
  const { app } = scene;
  // a route test that fails, published over with a hostile reason (audited), then a draft left for Review
  const suite = { tests: [{ test_name: PWN_IMG, input: { authority: "any.test", path: "/a", method: "GET" }, validate: { cluster_name: "not-that-one" } }] };
  await app.send("PUT", "/api/draft/route-tests", suite);
  const doc = await app.api<Doc>("/api/config");
  starterRoutes(doc).push({ name: `${PWN_SCRIPT}-2`, match: { prefix: "/b" }, route: { cluster: PWN_SCRIPT } });
  await app.send("PUT", "/api/config", doc);
  version = await app.send("POST", "/api/versions", { message: `${SQL} second`, overrideRouteTests: { reason: REASON } });
  const draft = await app.api<Doc>("/api/config");
  starterRoutes(draft).unshift({ name: `draft ${PWN_IMG}`, match: { prefix: "/draft" }, route: { cluster: PWN_SCRIPT } });
  await app.send("PUT", "/api/config", draft);
  const user = await app.send<{ id: string }>("POST", "/api/users", { email: "mallory@e2e.test", name: USER_NAME, password: "mallory's long password", role: "viewer" });
  userId = user.id;
});

describe("hostile strings", () => {
  it("come back through GET byte for byte, and the database keeps every table", async () => {
    const { app } = scene;
    const doc = await app.api<Doc>("/api/config");
    const text = JSON.stringify(doc);
    for (const s of [PWN_IMG, PWN_SCRIPT, JS_URL, SQL, NOSQL, RTL, LONG, "v".repeat(4000)]) expect(text, s.slice(0, 40)).toContain(JSON.stringify(s).slice(1, -1));
    const names = mainHcm(doc).route_config.virtual_hosts.flatMap((vh) => vh.routes.map((r) => r.name));
    expect(names).toEqual(expect.arrayContaining([PWN_IMG, SQL, `${NOSQL}${RTL}`, LONG, `draft ${PWN_IMG}`]));
    const versions = await app.api<{ number: number; message: string }[]>("/api/versions");
    expect(versions.find((v) => v.number === version.number)?.message).toBe(`${SQL} second`);
    expect(versions.find((v) => v.number === scene.published!.number)?.message).toBe(MESSAGE);
    const users = await app.api<{ id: string; name: string }[]>("/api/users");
    expect(users.find((u) => u.id === userId)?.name).toBe(USER_NAME);
    const tests = await app.api<{ tests: { test_name: string }[] }>("/api/draft/route-tests");
    expect(tests.tests[0].test_name).toBe(PWN_IMG);
    const audit = await app.api<{ action: string; details: Record<string, unknown> | null }[]>("/api/audit?limit=200");
    expect(JSON.stringify(audit)).toContain(JSON.stringify(REASON).slice(1, -1));

    const db = new Database(path.join(app.dataDir, "signalbox.db"), { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(TABLES));
      expect((db.prepare('SELECT count(*) AS n FROM "ConfigVersion"').get() as { n: number }).n).toBeGreaterThanOrEqual(3);
    } finally {
      db.close();
    }
  });

  it("are refused with the field's path where the schema does not take them", async () => {
    const { app } = scene;
    const put = async (p: string, body: unknown) => {
      const r = await fetch(app.url + p, { method: p.startsWith("/api/tokens") ? "POST" : "PUT", headers: { authorization: `Bearer ${app.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as { error: { message: string }; errors?: { path: string }[] } };
    };
    const token = await put("/api/tokens", { name: PWN_IMG, kind: "api" });
    expect(token.status).toBe(400);
    expect(token.body.error.message).toMatch(/\bname: a token name is/);
    const zipkin = await put("/api/settings", { zipkinCollectorUrl: JS_URL });
    expect(zipkin.status).toBe(400);
    expect(zipkin.body.error.message).toMatch(/zipkinCollectorUrl/);
    // an http URL with markup in its path is a URL: stored as given, shown on Settings (visited below)
    const markupUrl = `http://zipkin.test/${PWN_IMG}`;
    expect((await put("/api/settings", { zipkinCollectorUrl: markupUrl })).status).toBe(200);
    expect((await app.api<{ zipkinCollectorUrl: string }>("/api/settings")).zipkinCollectorUrl).toBe(markupUrl);
    const cluster = await put(`/api/draft/clusters/${encodeURIComponent("a b")}`, { name: PWN_IMG, type: "STATIC", connect_timeout: "1s", load_assignment: { cluster_name: PWN_IMG, endpoints: [] } });
    expect(cluster.status).toBeGreaterThanOrEqual(400);
    expect(cluster.status).toBeLessThan(500);
    const doc = await app.api<Doc>("/api/config");
    mainHcm(doc).route_config.virtual_hosts[0].domains.push("evil\u0000.test");
    const domain = await put("/api/config", doc);
    expect(domain.status).toBe(422);
    expect(domain.body.errors?.map((e) => e.path)).toContain("static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].domains[3]");
  });

  it("read as text on every page, and run nothing", async () => {
    const { app, page } = scene;
    await visit(page, app.url + "/", []);
    await visit(page, app.url + "/routes", [PWN_IMG, SQL]);
    await visit(page, app.url + "/clusters", [PWN_SCRIPT]);
    await visit(page, `${app.url}/clusters/${encodeURIComponent(PWN_SCRIPT)}`, [PWN_SCRIPT]);
    await visit(page, app.url + "/listeners", [PWN_SCRIPT]);
    await visit(page, app.url + "/nodes", ["local"]);
    await visit(page, app.url + "/audit", []);
    await visit(page, app.url + "/settings", []);
    await visit(page, app.url + "/settings/users", [USER_NAME.slice(0, 30)]);
    await visit(page, app.url + "/settings/tokens", []);
    await visit(page, app.url + "/settings/sessions", []);
    await visit(page, app.url + "/access-log", []);
    await visit(page, app.url + "/traces", []);
  });

  it("read as text in the Versions diff, the rollback dialog and the Review drawer", async () => {
    const { app, page } = scene;
    const first = scene.published!.number;
    await visit(page, app.url + "/versions", [`${SQL} second`, PWN_IMG]);
    await page.getByLabel(`Select v${first} to compare`).check();
    await page.getByLabel(`Select v${version.number} to compare`).check();
    await page.getByLabel(`Diff from v${first} to v${version.number}`).getByText(`${PWN_SCRIPT}-2`).first().waitFor();
    await inert(page, "the versions diff");
    await page.getByRole("button", { name: `Roll back to v${first}` }).click();
    const confirm = page.getByRole("dialog", { name: `Roll back to v${first}?` });
    await confirm.getByText(`${PWN_SCRIPT}-2`).first().waitFor();
    await inert(page, "the rollback dialog");
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "detached" });

    await page.getByRole("button", { name: "Review & publish" }).click();
    const drawer = page.getByRole("dialog", { name: "Review & publish" });
    await drawer.getByText(`draft ${PWN_IMG}`).first().waitFor();
    await inert(page, "the Review drawer");
    await page.keyboard.press("Escape");
  });

  it("the console's pages and API answers carry the security headers", async () => {
    const { app, page } = scene;
    for (const p of ["/", "/routes", "/login", "/api/draft/status"]) {
      const res = p.startsWith("/api") ? await page.context().request.get(app.url + p) : await page.goto(app.url + p);
      const h = res!.headers();
      expect(h["x-content-type-options"], p).toBe("nosniff");
      expect(h["referrer-policy"], p).toBe("same-origin");
      expect(h["x-frame-options"], p).toBe("DENY");
      const csp = h["content-security-policy"] ?? "";
      expect(csp, p).toMatch(/frame-ancestors 'none'/);
      expect(csp, p).toMatch(/object-src 'none'/);
      expect(csp, p).not.toMatch(/unsafe-eval/);
    }
    // the pages work under it: hydrated (a client-side navigation) and nothing refused
    await visit(page, app.url + "/routes", [PWN_IMG]);
  });
});
