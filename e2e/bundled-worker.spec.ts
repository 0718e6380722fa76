// A bundled worker that cannot start is visible: its admin address is held by another program, so the header's
// chip turns red, links to the Nodes page, and the Nodes page says why with the worker's own error line.
import net from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { freePort, launchBrowser, login, newPage, screenshot, startConsole, type Console } from "./fixtures";

let app: Console;
let browser: Browser;
let page: Page;
let adminPort: number;
const held = new Set<net.Socket>();
const squatter = net.createServer((s) => held.add(s));

beforeAll(async () => {
  adminPort = await freePort();
  await new Promise<void>((r) => squatter.listen(adminPort, "127.0.0.1", () => r()));
  app = await startConsole({ workerAdminPort: adminPort, waitForWorker: false });
  browser = await launchBrowser();
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await app?.stop();
  for (const s of held) s.destroy();
  await new Promise<void>((r) => squatter.close(() => r()));
});

describe("a bundled worker that cannot start", () => {
  it("turns the header red with a link to the Nodes page, which shows the worker's error line", async () => {
    await login(page, app, false);
    const chip = page.getByRole("link", { name: "worker local restarting" });
    await chip.waitFor({ timeout: 20_000 });
    await chip.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.pathname === "/nodes");
    const alert = page.getByTestId("bundled-worker-alert");
    await alert.filter({ hasText: `127.0.0.1:${adminPort}` }).filter({ hasText: "EADDRINUSE" }).waitFor({ timeout: 20_000 });
    await alert.getByText("is restarting").waitFor();
    await page.getByRole("region", { name: "Bundled worker" }).getByText("restarting", { exact: true }).waitFor();
    await screenshot(page, "nodes-worker-restarting");
  });
});
