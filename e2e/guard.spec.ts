// The publish guard from the UI: a route edit that sends /api to an upstream answering 500 is published with the
// Review drawer's guard toggle ("roll back if 5xx > 5% within 10 s"); traffic through the bundled worker fails,
// the console publishes the rollback, and the Overview shows it in a red banner (and the header a red chip)
// until acknowledged, with a line in the event feed.
import { describe, expect, it } from "vitest";
import { login, screenshot, throughProxy, waitFor } from "./fixtures";
import { pointApiAt, useScene, withApiRoute } from "./scene";

// live: /api → good; the draft sends it to an upstream answering 500 (what the guard will catch)
const scene = useScene({
  upstreams: { good: "answer from good", bad: { body: "broken", status: 500 } },
  live: withApiRoute("good"),
  message: "e2e: /api on good",
  serves: { path: "/api/x", body: "answer from good" },
  draft: pointApiAt("bad"),
});

describe("publish guard", () => {
  it("publishes with the guard toggle, and the Overview shows the rollback until acknowledged", async () => {
    const { app, page } = scene;
    await login(page, app, false);
    await page.getByTestId("live-version").filter({ hasText: "v2 live" }).waitFor();
    await page.getByTestId("draft-state").filter({ hasText: "Draft: 1 change" }).waitFor();

    await page.getByRole("button", { name: "Review & publish" }).click();
    const drawer = page.getByRole("dialog", { name: "Review & publish" });
    const toggle = drawer.getByTestId("guard-toggle");
    await toggle.getByLabel("Roll back automatically").check();
    await toggle.getByLabel("Window (s)").fill("10");
    expect(await toggle.getByLabel("5xx limit (%)").inputValue()).toBe("5");
    await drawer.getByLabel("Message").fill("e2e: /api on the new backend, guarded");
    await drawer.getByLabel("Message").press("Enter");
    await page.getByRole("dialog", { name: "Published" }).waitFor();

    // traffic through the worker: /api answers 500 once v3 is applied, until the guard's rollback is
    const guards = async () => (await app.api<{ guards: { state: string; reason: string | null; versionNumber: number | null }[] }>("/api/guards")).guards;
    expect((await guards())[0]).toMatchObject({ state: "running", versionNumber: 3 });
    let fails = 0;
    await waitFor("the guard to roll back", async () => {
      for (let i = 0; i < 10; i++) if ((await throughProxy(app.listener, `/api/${i}`)).status === 500) fails++;
      return (await guards())[0].state === "rolled_back";
    }, 20_000, 50);
    expect(fails).toBeGreaterThanOrEqual(20);
    const reason = (await guards())[0].reason!;
    expect(reason).toMatch(/^guard: 5xx \d+% \(\d+\/\d+\) on route \/api on main\/default over \d+ s > 5%$/);
    await waitFor("the proxy to send /api to good again", async () => (await throughProxy(app.listener, "/api/x")).body === "answer from good");

    // the Overview: the banner with the reason, the header's chip, the feed's line
    await page.goto(app.url + "/");
    const alert = page.getByTestId("guard-alert");
    await alert.filter({ hasText: "The guard rolled back v3 to v2." }).waitFor();
    await alert.getByText(reason, { exact: true }).waitFor();
    await page.getByTestId("guard-chip").filter({ hasText: "guard rolled back v3" }).waitFor();
    await page.locator('[data-testid="event-line"][data-kind="guard_rollback"]').filter({ hasText: reason }).waitFor();
    await page.getByTestId("live-version").filter({ hasText: "v4 live" }).waitFor();
    await screenshot(page, "guard-rollback");

    await alert.getByRole("button", { name: "Acknowledge" }).click();
    await alert.waitFor({ state: "detached" });
    await page.getByTestId("guard-chip").waitFor({ state: "detached" });
  });
});
