// Login and Overview pages, on the starter config: a console page asked for without a session sends you to
// /login, the admin token typed into the form lands you on the Overview of the starter version; requests that go
// through the bundled worker show on the Overview's chart and in the 5-minute figure beneath the requests/s tile.
// (One console for both: each spec file's console costs seconds of the suite.)
import { beforeAll, describe, expect, it } from "vitest";
import { login, loginWithSession, screenshot, throughProxy, waitFor } from "../fixtures";
import { useScene } from "../scene";
import { PREFIX, nav } from "./journey";

// no `login: true`: the first test logs in through the form
const scene = useScene({ upstreams: {} });

// the traffic the Overview test looks for, sent first so the console has counted it by the time that test runs
beforeAll(async () => {
  for (let i = 0; i < 20; i++) await throughProxy(scene.app.listener, `${PREFIX}/hello`);
});

describe("Login page", () => {
  it("is where an unauthenticated page sends you, and the admin token logs you in onto the Overview", async () => {
    const { app, page } = scene;
    await page.goto(app.url + "/routes");
    expect(new URL(page.url()).pathname).toBe("/login");
    await login(page, app);
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByTestId("live-version").filter({ hasText: "v1 live" }).waitFor();
  });
});

describe("Overview page", () => {
  it("shows the traffic that went through the worker (sent in beforeAll)", async () => {
    const { app, page } = scene;
    // a session of its own, whatever the login test got to
    await loginWithSession(page, app);
    await page.goto(app.url + "/nodes");
    await nav(page, "Overview").click();
    await page.locator("svg.recharts-surface").first().waitFor();
    // the requests above are in the 5-minute figure beneath the requests/s tile
    const fiveMin = page.getByRole("group", { name: "Requests/s", exact: true }).locator(".kpi-sub");
    await waitFor("the Overview to show the traffic", async () => /^5 min: \d/.test(await fiveMin.innerText()) && (await fiveMin.innerText()) !== "5 min: 0", 15_000);
    await screenshot(page, "overview");
  });
});
