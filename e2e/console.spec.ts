// The console drives the proxy: create a cluster and a route in the UI, publish, traffic reaches upstream A;
// point the cluster at upstream B and publish, traffic reaches B; roll back in the UI, traffic reaches A again.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, login, newPage, screenshot, startConsole, startUpstream, throughProxy, waitFor, type Console, type Upstream } from "./fixtures";

const CLUSTER = "e2e-backend";
const PREFIX = "/e2e";

let app: Console;
let upA: Upstream;
let upB: Upstream;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [upA, upB] = await Promise.all([startUpstream("answer from A"), startUpstream("answer from B")]);
  app = await startConsole();
  browser = await launchBrowser();
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await app?.stop();
  await Promise.all([upA?.close(), upB?.close()]);
});

const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });

/** Polls the proxy until GET /e2e/hello answers `body`. */
async function expectProxyAnswer(body: string) {
  await waitFor(`the proxy to answer "${body}"`, async () => (await throughProxy(app.listener, `${PREFIX}/hello`)).body === body, 20_000);
}

/** Review & publish with a message, then wait until the drawer shows the node applied it. */
async function publish(message: string, shot: string): Promise<number> {
  await page.getByRole("button", { name: "Review & publish" }).click();
  const drawer = page.getByRole("dialog", { name: "Review & publish" });
  await drawer.waitFor();
  // the message is required: publishing without one is refused next to the field
  await drawer.getByRole("button", { name: "Publish" }).click();
  await drawer.getByText("A message is required").waitFor();
  await drawer.getByLabel("Message").fill(message);
  await screenshot(page, `${shot}-review`);
  await drawer.getByLabel("Message").press("Enter");
  const done = page.getByRole("dialog", { name: "Published" });
  await done.getByText("applied ✓").waitFor({ timeout: 20_000 });
  await screenshot(page, `${shot}-rollout`);
  const text = await done.getByRole("status").innerText();
  await page.keyboard.press("Escape");
  await done.waitFor({ state: "detached" });
  return Number(/v(\d+)/.exec(text)![1]);
}

describe("console → proxy", () => {
  it("logs in, then creates, publishes, changes and rolls back a cluster and route", async () => {
    // unauthenticated pages send you to /login
    await page.goto(app.url + "/routes");
    expect(new URL(page.url()).pathname).toBe("/login");
    await login(page, app);
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByTestId("live-version").filter({ hasText: "v1 live" }).waitFor();

    // ---- cluster with endpoint A
    await nav("Clusters").click();
    await page.getByRole("heading", { name: "No clusters yet" }).waitFor();
    await screenshot(page, "clusters-empty");
    await page.getByRole("button", { name: "Add cluster" }).first().click();
    const newCluster = page.getByRole("dialog", { name: "New cluster" });
    // inline validation: submitting an empty name shows the error next to the field
    await newCluster.getByRole("button", { name: "Create cluster" }).click();
    await newCluster.getByText("required").first().waitFor();
    await newCluster.getByLabel("Name").fill(CLUSTER);
    await newCluster.getByLabel("Endpoint 1 address").fill("127.0.0.1");
    await newCluster.getByLabel("Endpoint 1 port").fill(String(upA.port));
    await newCluster.getByLabel("Max connections").fill("100");
    await screenshot(page, "clusters-new");
    await newCluster.getByLabel("Endpoint 1 port").press("Enter");
    await newCluster.waitFor({ state: "detached" });
    await page.getByTestId("cluster-row").filter({ hasText: CLUSTER }).waitFor();
    await page.getByTestId("draft-state").filter({ hasText: "Draft: 1 change" }).waitFor();
    await screenshot(page, "clusters");

    // ---- route /e2e → cluster, placed above the starter catch-all (where it can match)
    await nav("Routes").click();
    await page.getByRole("button", { name: "Add route" }).click();
    const newRoute = page.getByRole("dialog", { name: "New route" });
    await newRoute.getByLabel("Path prefix", { exact: true }).fill(PREFIX);
    await newRoute.getByLabel("Target cluster").selectOption(CLUSTER);
    await newRoute.getByTestId("route-placement").filter({ hasText: "above route 1 (prefix /, starter)" }).waitFor();
    await screenshot(page, "routes-new");
    await newRoute.getByLabel("Path prefix", { exact: true }).press("Enter");
    await newRoute.waitFor({ state: "detached" });
    const rows = page.getByTestId("route-row");
    await rows.first().filter({ hasText: PREFIX }).waitFor();
    // moved behind the starter's prefix "/", the table says it can never match; moved back, it can
    await page.getByRole("button", { name: `Move route 1 (prefix ${PREFIX}) down` }).click();
    await page.getByText(/can never match/).waitFor();
    await screenshot(page, "routes-shadowed");
    await page.getByRole("button", { name: `Move route 2 (prefix ${PREFIX}) up` }).click();
    await rows.first().filter({ hasText: PREFIX }).waitFor();
    await page.getByText(/can never match/).waitFor({ state: "detached" });
    await screenshot(page, "routes");

    // ---- publish → A
    const first = await publish("Send /e2e to upstream A", "publish-a");
    await expectProxyAnswer("answer from A");
    expect(upA.hits).toBeGreaterThan(0);

    // ---- endpoint → B, publish → B
    await nav("Clusters").click();
    await page.getByRole("link", { name: `Edit cluster ${CLUSTER}` }).click();
    await page.getByRole("heading", { name: `Cluster ${CLUSTER}` }).waitFor();
    const port = page.getByLabel("Endpoint 1 port");
    await expect(port.inputValue()).resolves.toBe(String(upA.port));
    // a bad port is refused next to the field, before the server sees it
    await port.fill("99999");
    await page.getByRole("button", { name: "Save cluster" }).click();
    await page.getByText("must be a port between 1 and 65535").waitFor();
    await port.fill(String(upB.port));
    await page.getByRole("button", { name: "Save cluster" }).click();
    await page.getByRole("status").filter({ hasText: "Saved to draft" }).waitFor();
    await page.getByTestId("draft-state").filter({ hasText: "Draft: 1 change" }).waitFor();
    await screenshot(page, "cluster-detail");
    const second = await publish("Move /e2e to upstream B", "publish-b");
    expect(second).toBe(first + 1);
    await expectProxyAnswer("answer from B");

    // ---- versions: diff, then roll back to the first of ours
    await nav("Versions").click();
    await page.getByTestId("version-row").first().waitFor();
    await page.getByLabel(`Select v${first} to compare`).check();
    await page.getByLabel(`Select v${second} to compare`).check();
    const diff = page.getByLabel(`Diff from v${first} to v${second}`);
    await diff.getByText(`endpoint 127.0.0.1:${upB.port} in cluster ${CLUSTER}`).waitFor();
    await screenshot(page, "versions-diff");
    await page.getByRole("button", { name: `Roll back to v${first}` }).click();
    const confirm = page.getByRole("dialog", { name: `Roll back to v${first}?` });
    await confirm.getByText(`endpoint 127.0.0.1:${upA.port} in cluster ${CLUSTER}`).first().waitFor();
    await screenshot(page, "versions-rollback-confirm");
    // Escape closes without rolling back
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "detached" });
    await page.getByRole("button", { name: `Roll back to v${first}` }).click();
    await confirm.getByRole("button", { name: `Roll back to v${first}` }).click();
    const rolled = page.getByRole("dialog", { name: "Rolled back" });
    await rolled.getByText("applied ✓").waitFor({ timeout: 20_000 });
    await screenshot(page, "versions-rolled-back");
    await page.keyboard.press("Escape");
    await expectProxyAnswer("answer from A");
    await page.getByTestId("live-version").filter({ hasText: `v${second + 1} live` }).waitFor();
    await page.getByTestId("version-row").first().filter({ hasText: `rollback of v${first}` }).waitFor();
    await screenshot(page, "versions");

    // ---- nodes and the live panel (the requests above went through the bundled worker)
    await nav("Nodes").click();
    await page.getByTestId("node-row").filter({ hasText: "local" }).filter({ hasText: `v${second + 1}` }).waitFor();
    await screenshot(page, "nodes");
    // ---- audit: the publishes and the rollback, with their author
    await nav("Audit").click();
    await page.getByTestId("audit-row").filter({ hasText: "Rollback" }).first().waitFor();
    expect(await page.getByTestId("audit-row").filter({ hasText: "Publish" }).filter({ hasText: "admin" }).count()).toBeGreaterThanOrEqual(2);
    await page.getByLabel("Filter audit entries").fill("rollback");
    await waitFor("the filter to keep only rollbacks", async () => (await page.getByTestId("audit-row").count()) === 1, 5_000);
    await screenshot(page, "audit");
    for (let i = 0; i < 20; i++) await throughProxy(app.listener, `${PREFIX}/hello`);
    await nav("Overview").click();
    await page.locator("svg.recharts-surface").first().waitFor();
    // the requests above are in the 5-minute figure beneath the requests/s tile
    const fiveMin = page.getByRole("group", { name: "Requests/s", exact: true }).locator(".kpi-sub");
    await waitFor("the Overview to show the traffic", async () => /^5 min: \d/.test(await fiveMin.innerText()) && (await fiveMin.innerText()) !== "5 min: 0", 15_000);
    await screenshot(page, "overview");
  });
});
