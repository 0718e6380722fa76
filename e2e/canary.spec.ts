// Canary publishes from the UI: a draft that sends /api to a new upstream is published from the Review drawer
// with "Canary first" on the bundled worker's node; the worker serves it while the version is not live, the
// Nodes page shows the banner and the node's canary chip, and Promote (confirmed) makes it live for all.
import { describe, expect, it } from "vitest";
import { login, screenshot, throughProxy, waitFor } from "./fixtures";
import { pointApiAt, useScene, withApiRoute } from "./scene";

// live: /api → old; the draft sends it to new
const scene = useScene({
  upstreams: { old: "answer from old", new: "answer from new" },
  live: withApiRoute("old"),
  message: "e2e: /api on old",
  serves: { path: "/api/x", body: "answer from old" },
  draft: pointApiAt("new"),
});

describe("canary publish", () => {
  it("publishes a canary from the drawer, shows it on the Nodes page, and promotes it", async () => {
    const { app, page } = scene;
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
    // the header counts the canary node against the canary version: up to date, not pending the live v2
    await page.getByLabel("Live status").filter({ hasText: "v2 live" }).filter({ hasText: "1/1 nodes ✓" }).filter({ hasText: "canary v3 on 1/1" }).waitFor();
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
