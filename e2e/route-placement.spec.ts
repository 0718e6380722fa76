// A newcomer's first route in the UI: on the starter config (a cluster published, no route of theirs yet) they add
// `/api`; the route panel says, before saving, that it goes above the starter's catch-all and why, and what another
// position would mean; once published, /api answers from the upstream. And the cluster form refuses an over-long
// name as it is typed, next to the field, in the words the API refuses it with.
import { describe, expect, it } from "vitest";
import { STARTER_BODY } from "../lib/config/starter";
import { login, screenshot, throughProxy, waitFor } from "./fixtures";
import { staticCluster, useScene } from "./scene";

const scene = useScene({
  upstreams: { api: "answer from api" },
  live: (doc, parts) => void doc.static_resources.clusters.push(staticCluster("api", parts.up.api.port)),
  message: "route placement e2e: the cluster api, no route to it yet",
  serves: { path: "/", body: STARTER_BODY },
});

describe("a newcomer's first route", () => {
  it("goes where it can match: the panel says so before saving, and once published /api answers from the upstream", async () => {
    const { app, page } = scene;
    await login(page, app, false);
    await page.goto(app.url + "/routes");
    const rows = page.getByTestId("route-row");
    await rows.filter({ hasText: "starter catch-all" }).waitFor();

    await page.getByRole("button", { name: "Add route" }).first().click();
    const panel = page.getByRole("dialog", { name: "New route" });
    await panel.getByLabel("Path prefix", { exact: true }).fill("/api");
    await panel.getByLabel("Target cluster").selectOption("api");
    const placement = panel.getByTestId("route-placement");
    await placement.filter({ hasText: "Will be placed above route 1 (prefix /, starter), which matches every request this one would." }).waitFor();
    // another position: last, behind the catch-all, where it could never match
    await panel.getByLabel("Position").selectOption({ label: "Last (route 2)" });
    await placement.filter({ hasText: "it can never match there: route 1 (prefix /, starter) matches every request it would" }).waitFor();
    await panel.getByLabel("Position").selectOption({ label: "Where it can match (automatic)" });
    await placement.filter({ hasText: "above route 1 (prefix /, starter)" }).waitFor();
    await screenshot(page, "route-placement");
    await panel.getByRole("button", { name: "Create route" }).click();
    await panel.waitFor({ state: "detached" });
    await rows.first().filter({ hasText: "/api" }).waitFor();
    expect(await page.getByText(/can never match/).count()).toBe(0);

    await page.getByRole("button", { name: "Review & publish" }).click();
    const drawer = page.getByRole("dialog", { name: "Review & publish" });
    await drawer.getByLabel("Message").fill("e2e: the newcomer's /api");
    await drawer.getByLabel("Message").press("Enter");
    const done = page.getByRole("dialog", { name: "Published" });
    await done.getByTestId("rollout-local").getByText("applied ✓").waitFor({ timeout: 30_000 });
    await waitFor("/api to answer from the upstream", async () => (await throughProxy(app.listener, "/api/users")).body === "answer from api", 20_000);
    expect(await throughProxy(app.listener, "/")).toEqual({ status: 200, body: STARTER_BODY });
  });

  it("refuses an over-long cluster name as it is typed, next to the field, in the API's words", async () => {
    const { app, page, up } = scene;
    const name = "c".repeat(254);
    const res = await fetch(`${app.url}/api/draft/clusters/${name}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${app.token}`, "content-type": "application/json" },
      body: JSON.stringify(staticCluster(name, up.api.port)),
    });
    expect(res.status).toBe(422);
    const refused = ((await res.json()) as { errors: { path: string; message: string }[] }).errors.find((e) => e.path === "name");
    expect(refused?.message).toBe("must be at most 253 characters");

    await page.keyboard.press("Escape");
    await page.goto(app.url + "/clusters");
    await page.getByRole("button", { name: "Add cluster" }).first().click();
    const form = page.getByRole("dialog", { name: "New cluster" });
    const field = form.getByLabel("Name");
    // typed, not submitted: the message comes once typing pauses
    await field.fill(name);
    await form.getByText(refused!.message).waitFor();
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    // a form's own check is no server refusal: no banner
    expect(await form.getByText(/The server refused/).count()).toBe(0);
    await screenshot(page, "cluster-name-limit");
    await field.fill("c".repeat(253));
    await form.getByText(refused!.message).waitFor({ state: "detached" });
  });
});
