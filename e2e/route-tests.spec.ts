// Route tests in the console: write a test on the Routes page (checked as you type, with the line of each problem),
// save and run it against the draft and live, then Review & publish a draft that breaks it: Publish is blocked
// until an override reason is given, and the override publishes, is audited, and the proxy follows.
import { describe, expect, it } from "vitest";
import { login, screenshot, throughProxy, waitFor } from "./fixtures";
import { starterRoutes, useScene, withApiRoute, type Doc } from "./scene";

// live: /api → cluster a, ahead of the starter's catch-all
const scene = useScene({
  upstreams: { a: "answer from A", b: "answer from B" },
  live: withApiRoute("a"),
  message: "e2e: /api on a",
  serves: { path: "/api/x", body: "answer from A" },
});

describe("Route tests", () => {
  it("are written in the UI, gate Review & publish, and an override with a reason publishes", async () => {
    const { app, page } = scene;
    // the draft breaks the tested route: /api now goes to b
    const doc = await app.api<Doc>("/api/config");
    starterRoutes(doc).find((r) => r.name === "api")!.route!.cluster = "b";
    await app.send("PUT", "/api/config", doc);

    await login(page, app, false);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Routes", exact: true }).click();
    const section = page.getByRole("region", { name: "Route tests" });
    const editor = section.getByLabel("Route tests (YAML)");

    // ---- checked as you type: the field and its line
    await editor.fill("tests:\n- test_name: api goes to a\n  input: {authority: shop.example.com, path: /api/cart, method: GE}\n  validate: {cluster_name: a}\n");
    await section.getByRole("alert", { name: "Problems in the route tests" }).getByText("line 3, tests[0].input.method: must be at least 3 characters (an HTTP method)").waitFor();
    expect(await section.getByRole("button", { name: "Save tests" }).isDisabled()).toBe(true);
    await editor.fill("tests:\n- test_name: api goes to a\n  input: {authority: shop.example.com, path: /api/cart, method: GET}\n  validate: {cluster_name: a}\n");
    await section.getByText("1 test · unsaved changes").waitFor();

    // ---- save it (a draft change), run it: it fails against the draft with Envoy's line, passes against live
    await section.getByRole("button", { name: "Save tests" }).click();
    await section.getByText("1 test", { exact: true }).waitFor();
    const saved = await app.api<{ tests: { test_name: string }[] }>("/api/draft/route-tests");
    expect(saved.tests.map((t) => t.test_name)).toEqual(["api goes to a"]);
    await section.getByRole("button", { name: "Run tests" }).click();
    const results = section.getByTestId("route-test-results");
    await results.getByText("draft: 1 of 1 fail").waitFor();
    await results.getByText("live v2: all 1 pass").waitFor();
    await results.getByText("expected: [a], actual: [b], test type: cluster_name").waitFor();
    // the starter's catch-all is reached by no test: listed, highlighted
    expect(await results.getByRole("list", { name: "Routes no test reaches" }).getByText("untested").count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, "route-tests-run");

    // ---- Review & publish: the gate shows the failure, Publish is blocked without a reason
    await page.getByRole("button", { name: "Review & publish" }).click();
    const drawer = page.getByRole("dialog", { name: "Review & publish" });
    const gate = drawer.getByTestId("route-test-gate");
    await gate.getByText("1 of 1 route tests fail against the draft: Publish is blocked.").waitFor();
    await gate.getByText("expected: [a], actual: [b], test type: cluster_name").waitFor();
    await drawer.getByLabel("Message").fill("e2e: /api on b");
    await drawer.getByRole("button", { name: "Publish" }).click();
    await gate.getByText("The route tests fail: give a reason to publish anyway").waitFor();
    expect((await app.api<unknown[]>("/api/versions")).length).toBe(2);
    await screenshot(page, "route-tests-gate-blocked");

    // ---- override with a reason: published, audited, and the proxy follows
    await drawer.getByLabel("Override reason").fill("b takes /api from today; the test follows");
    await drawer.getByRole("button", { name: "Publish" }).click();
    await page.getByRole("dialog", { name: "Published" }).waitFor();
    const audit = await app.api<{ action: string; details: { reason?: string; failures?: { testName: string }[] } }[]>("/api/audit?limit=10");
    const override = audit.find((e) => e.action === "version.publish.override");
    expect(override?.details.reason).toBe("b takes /api from today; the test follows");
    expect(override?.details.failures?.map((f) => f.testName)).toEqual(["api goes to a"]);
    await waitFor("the proxy to send /api to B", async () => (await throughProxy(app.listener, "/api/x")).body === "answer from B");
  });
});
