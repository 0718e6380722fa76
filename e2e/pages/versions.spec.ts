// Versions page, and what a rollback leaves on the Nodes and Audit pages: with two versions published by the scene
// (e2e-backend on upstream A, then on B), the page shows their diff in words, asks before rolling back (Escape
// cancels), and the rollback brings traffic back to A as a new live version; the Nodes page shows node local
// running the live version, the Audit page the publishes and the rollback with their author.
import { beforeAll, describe, expect, it } from "vitest";
import { screenshot, waitFor } from "../fixtures";
import { staticCluster, useScene, type Doc } from "../scene";
import { CLUSTER, PREFIX, e2eBackend, expectProxyAnswer, nav } from "./journey";

const scene = useScene({
  upstreams: { a: "answer from A", b: "answer from B" },
  live: e2eBackend("a"),
  message: "Send /e2e to upstream A",
  serves: { path: `${PREFIX}/hello`, body: "answer from A" },
  login: true,
});

let first: number;
let second: number;

// the second version: e2e-backend moved to upstream B (what clusters.spec.ts does in the UI)
beforeAll(async () => {
  const { app, up } = scene;
  first = scene.published!.number;
  const doc = await app.api<Doc>("/api/config");
  const clusters = doc.static_resources.clusters as { name: string }[];
  clusters[clusters.findIndex((c) => c.name === CLUSTER)] = staticCluster(CLUSTER, up.b.port);
  await app.send("PUT", "/api/config", doc);
  second = (await app.send<{ number: number }>("POST", "/api/versions", { message: "Move /e2e to upstream B" })).number;
  await expectProxyAnswer(app.listener, "answer from B");
});

describe("Versions page", () => {
  it("shows the diff of two versions, and rolls back to the first after a confirm that Escape cancels", async () => {
    const { app, page, up } = scene;
    expect(second).toBe(first + 1);
    await page.goto(app.url + "/");
    await nav(page, "Versions").click();
    await page.getByTestId("version-row").first().waitFor();
    await page.getByLabel(`Select v${first} to compare`).check();
    await page.getByLabel(`Select v${second} to compare`).check();
    const diff = page.getByLabel(`Diff from v${first} to v${second}`);
    await diff.getByText(`endpoint 127.0.0.1:${up.b.port} in cluster ${CLUSTER}`).waitFor();
    // a change's before and after are fetched when it is opened (GET /api/versions/{id}/diff?change=)
    const endpoint = `endpoint 127.0.0.1:${up.b.port} in cluster ${CLUSTER}`;
    await diff.getByRole("button", { name: `Show before and after of ${endpoint}` }).click();
    await diff.getByRole("table", { name: `Before and after: ${endpoint}` }).getByRole("row").filter({ hasText: `port_value: ${up.b.port}` }).waitFor();
    await screenshot(page, "versions-diff");
    await page.getByRole("button", { name: `Roll back to v${first}` }).click();
    const confirm = page.getByRole("dialog", { name: `Roll back to v${first}?` });
    await confirm.getByText(`endpoint 127.0.0.1:${up.a.port} in cluster ${CLUSTER}`).first().waitFor();
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
    await expectProxyAnswer(app.listener, "answer from A");
    await page.getByTestId("live-version").filter({ hasText: `v${second + 1} live` }).waitFor();
    await page.getByTestId("version-row").first().filter({ hasText: `rollback of v${first}` }).waitFor();
    await screenshot(page, "versions");
  });
});

describe("Nodes page", () => {
  it("lists the bundled worker as node local running the live version", async () => {
    const { app, page } = scene;
    // the rollback's version (second + 1) once the Versions test has rolled back; whatever is live otherwise
    const live = (await app.api<{ live: { number: number } | null }>("/api/draft/status")).live!.number;
    await page.goto(app.url + "/");
    await nav(page, "Nodes").click();
    await page.getByTestId("node-row").filter({ hasText: "local" }).filter({ hasText: `v${live}` }).waitFor();
    await screenshot(page, "nodes");
  });
});

describe("Audit page", () => {
  it("lists the publishes and the rollback with their author, and filters them", async () => {
    const { app, page } = scene;
    await page.goto(app.url + "/");
    await nav(page, "Audit").click();
    await page.getByTestId("audit-row").filter({ hasText: "Rollback" }).first().waitFor();
    expect(await page.getByTestId("audit-row").filter({ hasText: "Publish" }).filter({ hasText: "admin" }).count()).toBeGreaterThanOrEqual(2);
    await page.getByLabel("Filter audit entries").fill("rollback");
    await waitFor("the filter to keep only rollbacks", async () => (await page.getByTestId("audit-row").count()) === 1, 5_000);
    await screenshot(page, "audit");
  });
});
