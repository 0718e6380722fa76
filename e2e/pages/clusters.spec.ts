// Clusters page and cluster detail: on the starter config the page says there are no clusters; the New cluster
// dialog refuses an empty name next to the field and creates e2e-backend on upstream A into the draft. Once that
// is published with the route /e2e to it, the cluster's page refuses a bad port before the server sees it, saves
// upstream B's port to the draft, and published from Review & publish, /e2e reaches B.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshot, type Console, type Upstream } from "../fixtures";
import { starterRoutes, staticCluster, useScene, type Doc } from "../scene";
import { CLUSTER, PREFIX, expectProxyAnswer, nav, publish } from "./journey";

const scene = useScene({ upstreams: { a: "answer from A", b: "answer from B" }, login: true });

/**
 * Publishes the draft with the route /e2e to e2e-backend through the API (what routes.spec.ts does in the UI); the
 * cluster is the one the first test made, or made here on upstream A when that test did not get so far.
 */
async function publishWithRoute(app: Console, upA: Upstream): Promise<number> {
  const doc = await app.api<Doc>("/api/config");
  if (!(doc.static_resources.clusters as { name: string }[]).some((c) => c.name === CLUSTER)) doc.static_resources.clusters.push(staticCluster(CLUSTER, upA.port));
  starterRoutes(doc).unshift({ match: { prefix: PREFIX }, route: { cluster: CLUSTER } });
  await app.send("PUT", "/api/config", doc);
  const v = await app.send<{ id: string; number: number }>("POST", "/api/versions", { message: "Send /e2e to upstream A" });
  await expectProxyAnswer(app.listener, "answer from A");
  return v.number;
}

const clusterRow = (page: Page) => page.getByTestId("cluster-row").filter({ hasText: CLUSTER });

describe("Clusters page", () => {
  it("shows the empty state, and the New cluster dialog validates inline and creates a cluster into the draft", async () => {
    const { app, page, up } = scene;
    await page.goto(app.url + "/");
    await nav(page, "Clusters").click();
    await page.getByRole("heading", { name: "No clusters yet" }).waitFor();
    await screenshot(page, "clusters-empty");
    await page.getByRole("button", { name: "Add cluster" }).first().click();
    const newCluster = page.getByRole("dialog", { name: "New cluster" });
    // inline validation: submitting an empty name shows the error next to the field
    await newCluster.getByRole("button", { name: "Create cluster" }).click();
    await newCluster.getByText("required").first().waitFor();
    await newCluster.getByLabel("Name").fill(CLUSTER);
    await newCluster.getByLabel("Endpoint 1 address").fill("127.0.0.1");
    await newCluster.getByLabel("Endpoint 1 port").fill(String(up.a.port));
    await newCluster.getByLabel("Max connections").fill("100");
    await screenshot(page, "clusters-new");
    await newCluster.getByLabel("Endpoint 1 port").press("Enter");
    await newCluster.waitFor({ state: "detached" });
    await clusterRow(page).waitFor();
    await page.getByTestId("draft-state").filter({ hasText: "Draft: 1 change" }).waitFor();
    await screenshot(page, "clusters");
  });
});

describe("Cluster detail page", () => {
  it("refuses a bad port next to the field, saves a new endpoint to the draft, and once published traffic moves to it", async () => {
    const { app, page, up } = scene;
    const first = await publishWithRoute(app, up.a);
    await page.goto(app.url + "/");
    await nav(page, "Clusters").click();
    await page.getByRole("link", { name: `Edit cluster ${CLUSTER}` }).click();
    await page.getByRole("heading", { name: `Cluster ${CLUSTER}` }).waitFor();
    const port = page.getByLabel("Endpoint 1 port");
    await expect(port.inputValue()).resolves.toBe(String(up.a.port));
    // a bad port is refused next to the field, before the server sees it
    await port.fill("99999");
    await page.getByRole("button", { name: "Save cluster" }).click();
    await page.getByText("must be a port between 1 and 65535").waitFor();
    await port.fill(String(up.b.port));
    await page.getByRole("button", { name: "Save cluster" }).click();
    await page.getByRole("status").filter({ hasText: "Saved to draft" }).waitFor();
    await page.getByTestId("draft-state").filter({ hasText: "Draft: 1 change" }).waitFor();
    await screenshot(page, "cluster-detail");
    const second = await publish(page, "Move /e2e to upstream B", "publish-b");
    expect(second).toBe(first + 1);
    await expectProxyAnswer(app.listener, "answer from B");
  });
});
