// Fleet → "Add node": the dialog makes a worker token for the node and shows the command that enrolls it; a real
// proxy-core process started with exactly that command line (minus `npx`, plus a free --admin-address: the
// default 9901 may be taken on a shared machine) connects with that token and shows up on the Nodes page, running
// its environment's live version. Settings → API tokens then lists the token (prefix only), and revoking it there
// disconnects the node.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, launchBrowser, loginWithSession, newPage, ROOT, screenshot, startConsole, waitFor, type Console } from "./fixtures";

let app: Console;
let browser: Browser;
let page: Page;
let worker: ChildProcess | null = null;
let workerLog = "";
let secret = "";

beforeAll(async () => {
  app = await startConsole();
  // an environment of its own whose listener takes any free port (the bundled worker holds the starter's)
  await app.send("POST", "/api/environments", { name: "edge" });
  const doc = {
    static_resources: {
      listeners: [{
        name: "main",
        address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
        filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: {
          "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
          stat_prefix: "main",
          route_config: { name: "main", virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: "edge" } } }] }] },
          http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
        } }] }],
      }],
      clusters: [],
    },
  };
  await sendIn("edge", "PUT", "/api/config", doc);
  await sendIn("edge", "POST", "/api/versions", { message: "edge v1" });
  browser = await launchBrowser();
  page = await newPage(browser);
  await loginWithSession(page, app);
  // the browser edits (and the Nodes page lists) the edge environment
  await page.context().addCookies([{ name: "signalbox_environment", value: "edge", url: app.url }]);
});

afterAll(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) {
    const exited = new Promise((r) => worker!.once("exit", r));
    worker.kill("SIGTERM");
    await exited;
  }
  await browser?.close().catch(() => {});
  await app?.stop();
});

async function sendIn(env: string, method: string, p: string, body: unknown) {
  const res = await fetch(app.url + p, { method, headers: { authorization: `Bearer ${app.token}`, "content-type": "application/json", "x-signalbox-environment": env }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
}

describe("Add node", () => {
  it("shows the command whose token enrolls a real worker, which appears on the Nodes page", async () => {
    await page.goto(app.url + "/nodes");
    await page.getByRole("button", { name: "Add node" }).click();
    const dialog = page.getByRole("dialog", { name: "Add node" });
    await dialog.getByLabel("Name").fill("edge-e2e-1");
    // the dialog proposes the environment the console is editing, once it knows it
    await expect.poll(() => dialog.getByLabel("Environment").inputValue()).toBe("edge");
    await dialog.getByRole("button", { name: "Create token" }).click();
    const box = dialog.getByLabel("Command");
    await box.waitFor();
    await dialog.getByText("shown once").waitFor();
    const command = await box.inputValue();
    await screenshot(page, "nodes-add-node");
    const host = new URL(app.url).host;
    const m = new RegExp(`^npx proxy-core --control-plane ws://${host.replace(/[.]/g, "\\.")}/ws/worker --token (sbx_[A-Za-z0-9_-]{43}) --environment edge --node-id edge-e2e-1$`).exec(command);
    expect(m, command).not.toBeNull();
    secret = m![1];

    // exactly that command line, minus npx: proxy-core's own bin, its arguments as shown
    const args = command.split(" ").slice(2);
    worker = spawn(process.execPath, [path.join(ROOT, "proxy-core/bin/proxy-core.mjs"), ...args, "--admin-address", `127.0.0.1:${await freePort()}`], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    worker.stdout!.on("data", (d) => (workerLog += d));
    worker.stderr!.on("data", (d) => (workerLog += d));

    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    const row = page.getByTestId("node-row").filter({ hasText: "edge-e2e-1" });
    await waitFor(`edge-e2e-1 on the Nodes page\n${workerLog}`, async () => (await row.getByText(/^connected/).count()) > 0 && (await row.getByText(/· applied$/).count()) > 0);
    await screenshot(page, "nodes-added");
  });

  it("lists the token without its secret in Settings → API tokens, and revoking it there disconnects the node", async () => {
    await page.goto(app.url + "/settings/tokens");
    const row = page.getByTestId("token-row").filter({ hasText: "edge-e2e-1" });
    await row.waitFor();
    await row.getByText(`${secret.slice(0, 8)}…`).waitFor();
    expect(await page.content()).not.toContain(secret.slice(8));
    await screenshot(page, "settings-tokens");
    await row.getByRole("button", { name: "Revoke edge-e2e-1" }).click();
    await page.getByRole("dialog", { name: "Revoke edge-e2e-1?" }).getByRole("button", { name: "Revoke token" }).click();
    await row.waitFor({ state: "detached" });
    await waitFor("the worker to log the revocation", async () => /4005 worker token revoked/.test(workerLog), 10_000);
    await page.goto(app.url + "/nodes");
    await page.getByTestId("node-row").filter({ hasText: "edge-e2e-1" }).getByText("disconnected").waitFor();
  });

  it("creates an API token in Settings whose secret, shown once, is a Bearer with its role", async () => {
    await page.goto(app.url + "/settings/tokens");
    await page.getByRole("button", { name: "Create token" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create token" });
    await dialog.getByLabel("Name").fill("ci-viewer");
    await dialog.getByLabel("Role").selectOption("viewer");
    await dialog.getByRole("button", { name: "Create token" }).click();
    const shown = page.getByRole("dialog", { name: "Token ci-viewer created" });
    const apiSecret = await shown.getByLabel("Secret").inputValue();
    expect(apiSecret).toMatch(/^sbx_[A-Za-z0-9_-]{43}$/);
    await shown.getByRole("button", { name: "Copy" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("token-row").filter({ hasText: "ci-viewer" }).getByText("viewer", { exact: true }).waitFor();
    expect(await page.content()).not.toContain(apiSecret.slice(8));
    const read = await fetch(app.url + "/api/nodes", { headers: { authorization: `Bearer ${apiSecret}` } });
    expect(read.status).toBe(200);
    const write = await fetch(app.url + "/api/environments", { method: "POST", headers: { authorization: `Bearer ${apiSecret}`, "content-type": "application/json" }, body: JSON.stringify({ name: "nope" }) });
    expect(write.status).toBe(403);
  });
});
