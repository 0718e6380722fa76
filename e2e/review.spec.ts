// Review & publish reads as a review: edit a route's cluster and timeout in the UI, open the drawer, and the
// change is there in words ("cluster a → b", "timeout 15s → 5s") with the route before and after side by side
// (the drawer lists the changes without their sides and fetches a change's when it is opened) and the unified
// text one toggle away; publish, and the drawer follows that version to "applied ✓" on the node.
import { describe, expect, it } from "vitest";
import { login, screenshot, throughProxy, waitFor } from "./fixtures";
import { useScene, withApiRoute } from "./scene";

// live: /api → cluster a with a 15 s timeout, ahead of the starter's catch-all
const scene = useScene({
  upstreams: { a: "answer from A", b: "answer from B" },
  live: withApiRoute("a", { timeout: "15s" }),
  message: "e2e: /api on a",
  serves: { path: "/api/x", body: "answer from A" },
});

describe("Review & publish", () => {
  it("shows a route edit in words and side by side, then follows the publish to applied", async () => {
    const { app, page } = scene;
    await login(page, app, false);
    await page.getByTestId("live-version").filter({ hasText: "v2 live" }).waitFor();

    // ---- edit the route in the UI: cluster a → b, timeout 15s → 5s
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Routes", exact: true }).click();
    await page.getByRole("button", { name: "Edit route 1 (prefix /api)" }).click();
    const editor = page.getByRole("dialog", { name: "Edit route" });
    await editor.getByLabel("Target cluster").selectOption("b");
    await editor.getByLabel("Timeout").fill("5s");
    await editor.getByRole("button", { name: "Save route" }).click();
    await editor.waitFor({ state: "detached" });
    await page.getByTestId("draft-state").filter({ hasText: "Draft: 1 change" }).waitFor();

    // ---- the review: the change in words, grouped under its listener, listed without its sides
    const listed = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/draft/diff");
    await page.getByRole("button", { name: "Review & publish" }).click();
    const list = await listed;
    expect(new URL(list.url()).searchParams.get("sides")).toBe("0");
    const listedChanges = ((await list.json()) as { changes: Record<string, unknown>[] }).changes;
    expect(listedChanges.map((c) => ["before" in c, "after" in c])).toEqual([[false, false]]);
    const drawer = page.getByRole("dialog", { name: "Review & publish" });
    const diff = drawer.getByRole("region", { name: "Draft diff against the live version" });
    const change = diff.getByTestId("diff-change").filter({ hasText: "route /api (api) on listener main/default" });
    await change.getByText("cluster a → b", { exact: true }).waitFor();
    await change.getByText("timeout 15s → 5s", { exact: true }).waitFor();
    expect(await diff.getByTestId("diff-change").count()).toBe(1);
    await diff.getByRole("region", { name: "listener main" }).waitFor();

    // ---- side by side: the route's YAML before and after (fetched now), the changed lines facing each other
    const fetched = page.waitForResponse((r) => new URL(r.url()).searchParams.has("change"));
    await change.getByRole("button", { name: "Show before and after of route /api (api) on listener main/default" }).click();
    const sides = await fetched;
    expect(new URL(sides.url()).searchParams.get("change")).toBe(listedChanges[0].id);
    expect(sides.status()).toBe(200);
    const sbs = change.getByRole("table", { name: "Before and after: route /api (api) on listener main/default" });
    const clusterRow = sbs.getByRole("row").filter({ hasText: "cluster: a" });
    await clusterRow.waitFor();
    const cells = async (row: typeof clusterRow) => (await row.getByRole("cell").allInnerTexts()).map((t) => t.trim());
    expect(await cells(clusterRow)).toEqual(["cluster: a", "cluster: b"]);
    expect(await cells(sbs.getByRole("row").filter({ hasText: "timeout: 15s" }))).toEqual(["timeout: 15s", "timeout: 5s"]);
    // hidden and shown again: the sides come from the page's cache, not a second request
    const asked: string[] = [];
    page.on("request", (r) => void (new URL(r.url()).searchParams.has("change") && asked.push(r.url())));
    await change.getByRole("button", { name: "Hide before and after of route /api (api) on listener main/default" }).click();
    await sbs.waitFor({ state: "detached" });
    await change.getByRole("button", { name: "Show before and after of route /api (api) on listener main/default" }).click();
    await clusterRow.waitFor();
    expect(asked).toEqual([]);
    await screenshot(page, "review-readable-diff");

    // ---- the unified text, one toggle away
    await diff.getByText("Text diff", { exact: true }).click();
    const text = diff.getByLabel("Draft diff against the live version as text");
    await text.getByText(/^\+\s+cluster: b$/).waitFor();
    await screenshot(page, "review-text-diff");

    // ---- publish: the drawer follows this version only, to applied on the node
    await drawer.getByLabel("Message").fill("e2e: /api on b, 5 s");
    await drawer.getByLabel("Message").press("Enter");
    const done = page.getByRole("dialog", { name: "Published" });
    await done.getByRole("heading", { name: /Rollout of v3/ }).waitFor();
    const node = done.getByTestId("rollout-local");
    await node.getByText("applied ✓").waitFor({ timeout: 20_000 });
    expect(await node.getAttribute("data-state")).toBe("applied");
    await done.getByText("1/1 applied").waitFor();
    await screenshot(page, "review-rollout-applied");
    await waitFor("the proxy to send /api to B", async () => (await throughProxy(app.listener, "/api/x")).body === "answer from B");
    await page.keyboard.press("Escape");
    await page.getByTestId("live-version").filter({ hasText: "v3 live" }).waitFor();
  });
});
