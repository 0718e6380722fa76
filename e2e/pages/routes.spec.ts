// Routes page: a route /e2e to the cluster e2e-backend (published by the scene, upstream A), added in the UI, goes
// above the starter's catch-all where it can match; moved behind it the table says it can never match, moved
// back it can; published from Review & publish, /e2e reaches upstream A.
import { describe, expect, it } from "vitest";
import { screenshot } from "../fixtures";
import { useScene } from "../scene";
import { CLUSTER, PREFIX, e2eBackend, expectProxyAnswer, nav, publish } from "./journey";

const scene = useScene({ upstreams: { a: "answer from A" }, live: e2eBackend("a", false), message: "e2e: the cluster e2e-backend, no route yet", login: true });

describe("Routes page", () => {
  it("adds a route above the starter catch-all, shows a shadowed position, and once published traffic reaches the cluster", async () => {
    const { app, page, up } = scene;
    await page.goto(app.url + "/");
    await nav(page, "Routes").click();
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

    const published = await publish(page, "Send /e2e to upstream A", "publish-a");
    expect(published).toBe(scene.published!.number + 1);
    await expectProxyAnswer(app.listener, "answer from A");
    expect(up.a.hits.length).toBeGreaterThan(0);
  });
});
