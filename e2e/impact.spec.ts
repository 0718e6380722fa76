// The impact preview in the Review & publish drawer: requests go through the bundled worker, the draft sends their
// route to another cluster, and the drawer says so in a sentence. Needs the drawer to render <ImpactPreview />.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap, cluster, listener } from "../lib/config/test-fixtures";
import { freePort, launchBrowser, login, newPage, screenshot, startConsole, startUpstream, throughProxy, waitFor, type Console, type Upstream } from "./fixtures";

let app: Console;
let upA: Upstream;
let upB: Upstream;
let browser: Browser;
let page: Page;
let edge: string;

const config = (clusterName: string, ports: { a: number; b: number }, edgePort: number) =>
  bootstrap(
    [listener("impact", edgePort, [{ name: "impact_api", match: { prefix: "/impact/api" }, route: { cluster: clusterName } }])],
    [cluster("impact-a", [ports.a]), cluster("impact-b", [ports.b])],
  );

beforeAll(async () => {
  [upA, upB] = await Promise.all([startUpstream("impact A"), startUpstream("impact B")]);
  app = await startConsole();
  const edgePort = await freePort();
  edge = `127.0.0.1:${edgePort}`;
  const ports = { a: upA.port, b: upB.port };
  await app.send("PUT", "/api/config", config("impact-a", ports, edgePort));
  const v = await app.send<{ id: string }>("POST", "/api/versions", { message: "impact e2e" });
  await waitFor("the worker to apply it", async () => (await app.api<{ id: string; appliedVersion: string | null }[]>("/api/nodes")).some((n) => n.appliedVersion === v.id));
  for (let i = 0; i < 12; i++) expect((await throughProxy(edge, `/impact/api/${i}`)).body).toBe("impact A");
  // the draft sends the route to the other cluster; the requests above are what the preview replays
  await app.send("PUT", "/api/config", config("impact-b", ports, edgePort));
  await waitFor("the sample to reach the console", async () => (await app.api<{ window: { requests: number } }>("/api/draft/impact")).window.requests >= 12, 30_000);
  browser = await launchBrowser();
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await app?.stop();
  await Promise.all([upA?.close(), upB?.close()]);
});

describe("impact preview", () => {
  it("shows in Review & publish where the draft would send recent requests", async () => {
    await login(page, app, false);
    await page.getByRole("button", { name: "Review & publish" }).click();
    const drawer = page.getByRole("dialog", { name: "Review & publish" });
    await drawer.waitFor();
    const preview = drawer.getByRole("region", { name: "Impact preview" });
    await preview.getByText("12 requests/min to /impact/api move from cluster impact-a to cluster impact-b").waitFor();
    await screenshot(page, "review-impact");
    expect(await preview.getByText(/Replayed 12 requests/).count()).toBe(1);
  });
});
