// Backup and restore in the browser: download a backup from Settings and a version as Envoy YAML from
// Versions, see that a console with history refuses the file, then restore it into a fresh console (the file
// is checked and shown before anything is written) and find the versions there.
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupFile } from "../lib/contract/backup";
import { bootstrap, cluster, listener } from "../lib/config/test-fixtures";
import { freePort, launchBrowser, login, newPage, screenshot, startConsole, startUpstream, throughProxy, waitFor, type Console, type Upstream } from "./fixtures";

let source: Console | null = null;
let target: Console | null = null;
let up: Upstream;
let browser: Browser;
let page: Page;
let edge: string;
let backupPath: string;

beforeAll(async () => {
  up = await startUpstream("orders");
  source = await startConsole();
  const port = await freePort();
  edge = `127.0.0.1:${port}`;
  await source.send("PUT", "/api/config", bootstrap([listener("shop", port, [{ name: "orders", match: { prefix: "/orders" }, route: { cluster: "orders" } }])], [cluster("orders", [up.port])]));
  await source.send("POST", "/api/versions", { message: "orders behind the shop listener" });
  browser = await launchBrowser();
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await source?.stop();
  await target?.stop();
  await up?.close();
});

/** Clicks `name` and returns the path of what the browser downloaded. */
async function download(name: string): Promise<{ path: string; fileName: string }> {
  const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
  const p = await dl.path();
  expect(await dl.failure()).toBeNull();
  return { path: p!, fileName: dl.suggestedFilename() };
}

describe("backup and restore", () => {
  it("downloads a backup from Settings and a version as Envoy YAML from Versions", async () => {
    await login(page, source!, false);
    await page.goto(source!.url + "/settings");
    await page.getByRole("heading", { name: "Backup and restore" }).waitFor();
    const b = await download("Download backup");
    expect(b.fileName).toMatch(/^signalbox-backup-\d{8}T\d{6}Z\.json$/);
    backupPath = b.path;
    const file = BackupFile.parse(JSON.parse(fs.readFileSync(b.path, "utf8")));
    expect(file.header.counts.ConfigVersion).toBe(2);

    await page.goto(source!.url + "/versions");
    const y = await download("Export v2 as Envoy YAML");
    expect(y.fileName).toBe("signalbox-v2.yaml");
    const doc = parseYaml(fs.readFileSync(y.path, "utf8"));
    expect(doc.static_resources.listeners[0].name).toBe("shop");
    expect(doc.static_resources.clusters[0].name).toBe("orders");
  });

  it("shows what the file holds, and that a console with history cannot take it", async () => {
    await page.goto(source!.url + "/settings");
    await page.getByLabel("Backup file").setInputFiles(backupPath);
    const contents = page.getByLabel("Backup contents");
    await contents.waitFor();
    expect(await contents.innerText()).toContain("2 versions, v2 live");
    await contents.getByText("This console cannot take it: this console already has 2 versions").waitFor();
    expect(await page.getByRole("button", { name: "Restore this backup" }).isDisabled()).toBe(true);
    await source!.stop();
    source = null;
  });

  it("restores it into a fresh console after showing its contents, and the versions are there", async () => {
    target = await startConsole();
    await login(page, target, false);
    await page.goto(target.url + "/settings");
    await page.getByLabel("Backup file").setInputFiles(backupPath);
    const contents = page.getByLabel("Backup contents");
    await contents.waitFor();
    expect(await contents.getByRole("table", { name: "Rows per table" }).innerText()).toMatch(/ConfigVersion\s+2/);
    await contents.getByText("The starter version of this console is replaced.").waitFor();
    await screenshot(page, "settings-restore-preview");
    await page.getByRole("button", { name: "Restore this backup" }).click();
    const done = page.getByRole("status").filter({ hasText: "Restored" });
    await done.waitFor();
    expect(await done.innerText()).toContain("v2 live and sent to the connected workers");
    await screenshot(page, "settings-restored");

    await page.goto(target.url + "/versions");
    await page.getByRole("cell", { name: "orders behind the shop listener" }).waitFor();
    // the target's own worker took the restored live version
    await waitFor("the target's worker to serve the restored listener", async () => (await throughProxy(edge, "/orders/1")).body === "orders");
  });
});
