// Canary publishes from the UI: a draft that sends /api to a new upstream is published from the Review drawer
// with "Canary first" on the bundled worker's node; the worker serves it while the version is not live, the
// Nodes page shows the banner and the node's canary chip, and Promote (confirmed) makes it live for all.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, login, newPage, screenshot, startConsole, startUpstream, throughProxy, waitFor, type Console, type Upstream } from "./fixtures";

type Doc = { static_resources: { listeners: { filter_chains: { filters: { typed_config: { route_config: { virtual_hosts: { routes: { route?: { cluster?: string } }[] }[] } } }[] }[] }[]; clusters: unknown[] } };

let app: Console;
let oldUp: Upstream;
let newUp: Upstream;
let browser: Browser;
let page: Page;

const cluster = (name: string, port: number) => ({
  name, type: "STATIC", connect_timeout: "1s",
  load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: port } } } }] }] },
});
const routes = (doc: Doc) => doc.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes;

beforeAll(async () => {
  oldUp = await startUpstream("answer from old");
  newUp = await startUpstream("answer from new");
  app = await startConsole();
  const doc = await app.api<Doc>("/api/config");
  doc.static_resources.clusters.push(cluster("old", oldUp.port), cluster("new", newUp.port));
  routes(doc).unshift({ name: "api", match: { prefix: "/api" }, route: { cluster: "old" } } as never);
  await app.send("PUT", "/api/config", doc);
  await app.send("POST", "/api/versions", { message: "e2e: /api on old" });
  await waitFor("the proxy to send /api to old", async () => (await throughProxy(app.listener, "/api/x")).body === "answer from old");
  routes(doc)[0].route = { cluster: "new" };
  await app.send("PUT", "/api/config", doc);
  browser = await launchBrowser();
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await app?.stop();
  await oldUp?.close();
  await newUp?.close();
});

describe("canary publish", () => {
  it("publishes a canary from the drawer, shows it on the Nodes page, and promotes it", async () => {
    await login(page, app, false);
    await page.getByTestId("draft-state").filter({ hasText: "Draft: 1 change" }).waitFor();
    await page.getByRole("button", { name: "Review & publish" }).click();
    const drawer = page.getByRole("dialog", { name: "Review & publish" });
    const option = drawer.getByTestId("canary-option");
    await option.getByLabel("Canary first").check();
    await option.getByRole("checkbox", { name: "local" }).check();
    await drawer.getByLabel("Message").fill("e2e: /api on new, canary on local");
    await drawer.getByLabel("Message").press("Enter");
    await page.getByRole("dialog", { name: "Published" }).waitFor();

    const rollout = async () => (await app.api<{ rollout: { versionNumber: number; targeted: string[] } | null }>("/api/rollout")).rollout;
    expect(await rollout()).toMatchObject({ versionNumber: 3, targeted: ["local"] });
    await waitFor("the canary node to send /api to new", async () => (await throughProxy(app.listener, "/api/x")).body === "answer from new");
    const versions = await app.api<{ number: number; live: boolean }[]>("/api/versions");
    expect(versions.find((v) => v.number === 3)?.live).toBe(false);

    await page.goto(app.url + "/nodes");
    const banner = page.getByTestId("canary-banner");
    await banner.filter({ hasText: "v3 canary on 1 of 1 node" }).waitFor();
    await page.getByTestId("canary-chip").filter({ hasText: "canary v3" }).waitFor();
    await screenshot(page, "canary-nodes");

    await banner.getByRole("button", { name: "Promote" }).click();
    const confirm = page.getByRole("dialog", { name: "Promote v3?" });
    await confirm.getByRole("button", { name: "Promote v3 to all nodes" }).click();
    await banner.waitFor({ state: "detached" });
    await page.getByTestId("canary-chip").waitFor({ state: "detached" });
    expect(await rollout()).toBeNull();
    const after = await app.api<{ number: number; live: boolean }[]>("/api/versions");
    expect(after.find((v) => v.number === 3)?.live).toBe(true);
    expect((await throughProxy(app.listener, "/api/x")).body).toBe("answer from new");
  });
});
