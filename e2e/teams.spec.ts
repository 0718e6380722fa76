// Teams in a real Chromium against the real console: the admin creates teams team-a (with an editor) and team-b in
// Settings → Teams, gives route /a to team-a and route /b to team-b from the Routes table's Owner column; the
// editor, signed in, sees /b read-only (Edit, Delete and moving past it disabled, the tooltip naming its owner), edits /a, and
// "Mine" shows only /a.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HCM_TYPE, ROUTER_TYPE } from "../proxy-core/src/config/index";
import { freePort, launchBrowser, login, newPage, screenshot, startConsole, type Console } from "./fixtures";

let app: Console;
let browser: Browser;
let page: Page;
const EDITOR = { email: "ed@teams-e2e.test", name: "Ed Team", password: "the editor's password" };

const route = (prefix: string) => ({ name: `r${prefix.replace("/", "-")}`, match: { prefix }, route: { cluster: "backend" } });

beforeAll(async () => {
  app = await startConsole({ waitForWorker: false, env: { SIGNALBOX_WORKER: "off" } });
  const port = await freePort();
  await app.send("PUT", "/api/config", {
    static_resources: {
      listeners: [{
        name: "edge",
        address: { socket_address: { address: "127.0.0.1", port_value: port } },
        filter_chains: [{
          filters: [{
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": HCM_TYPE, stat_prefix: "edge",
              route_config: { name: "edge", virtual_hosts: [{ name: "default", domains: ["*"], routes: [route("/a"), route("/b")] }] },
              http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
            },
          }],
        }],
      }],
      clusters: [{ name: "backend", type: "STATIC", connect_timeout: "1s", load_assignment: { cluster_name: "backend", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: port + 1 } } } }] }] } }],
    },
  });
  await app.send("POST", "/api/users", { ...EDITOR, role: "editor" });
  browser = await launchBrowser();
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await app?.stop();
});

const row = (prefix: string) => page.getByTestId("route-row").filter({ hasText: `r-${prefix.slice(1)}` });

describe("teams", () => {
  it("the admin creates team-a with the editor and team-b, and gives /a to team-a and /b to team-b", async () => {
    await login(page, app, false);
    await page.goto(app.url + "/settings/teams");
    for (const name of ["team-a", "team-b"]) {
      await page.getByRole("button", { name: "Add team" }).click();
      const dialog = page.getByRole("dialog", { name: "Add team" });
      await dialog.getByLabel("Team name").fill(name);
      await dialog.getByRole("button", { name: "Add team" }).click();
      await dialog.waitFor({ state: "detached" });
      await page.getByTestId("team-row").filter({ hasText: name }).waitFor();
    }
    await page.getByRole("button", { name: "Members of team-a" }).click();
    const members = page.getByRole("dialog", { name: "Members of team-a" });
    await members.getByLabel(EDITOR.email, { exact: false }).check();
    await members.getByRole("button", { name: "Save members" }).click();
    await members.waitFor({ state: "detached" });
    await page.getByTestId("team-row").filter({ hasText: "team-a" }).filter({ hasText: EDITOR.email }).waitFor();
    await screenshot(page, "teams");

    await page.goto(app.url + "/routes");
    await page.getByLabel("Owner of route 1 (prefix /a)").selectOption("team-a");
    await page.getByLabel("Owner of route 2 (prefix /b)").selectOption("team-b");
    await page.waitForFunction(() => {
      const a = document.querySelector<HTMLSelectElement>('select[aria-label="Owner of route 1 (prefix /a)"]');
      const b = document.querySelector<HTMLSelectElement>('select[aria-label="Owner of route 2 (prefix /b)"]');
      return a?.value === "team-a" && b?.value === "team-b" && !a.disabled && !b.disabled;
    });
    const owners = await app.api<{ route: { name: string }; owner: string | null }[]>("/api/draft/routes");
    expect(owners.map((r) => [r.route.name, r.owner])).toEqual([["r-a", "team-a"], ["r-b", "team-b"]]);
  });

  it("the editor sees team-b's route read-only, edits team-a's, and Mine shows only team-a's", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    await page.getByLabel("Email").fill(EDITOR.email);
    await page.getByLabel("Password").fill(EDITOR.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    await page.goto(app.url + "/routes");

    const editB = page.getByRole("button", { name: "Edit route 2 (prefix /b)" });
    await editB.waitFor();
    expect(await editB.isDisabled()).toBe(true);
    expect(await editB.getAttribute("title")).toBe("This route belongs to team team-b: only its members or an admin can change it");
    expect(await page.getByRole("button", { name: "Delete route 2 (prefix /b)" }).isDisabled()).toBe(true);
    // moving /a down would move /b up: not offered either
    expect(await page.getByRole("button", { name: "Move route 1 (prefix /a) down" }).isDisabled()).toBe(true);
    expect(await row("/b").getByText("team-b").count()).toBe(1);
    await screenshot(page, "teams-editor-routes");

    await page.getByRole("button", { name: "Edit route 1 (prefix /a)" }).click();
    const panel = page.getByRole("dialog", { name: "Edit route" });
    await panel.getByText("team team-a").waitFor();
    await panel.getByLabel("Timeout").fill("7s");
    await panel.getByRole("button", { name: "Save route" }).click();
    await panel.waitFor({ state: "detached" });
    await row("/a").getByText("timeout 7s").waitFor();

    await page.getByLabel("Mine").check();
    await page.waitForURL((u) => u.searchParams.get("mine") === "1");
    await row("/b").waitFor({ state: "detached" });
    expect(await page.getByTestId("route-row").count()).toBe(1);
    expect(await row("/a").count()).toBe(1);
  });
});
