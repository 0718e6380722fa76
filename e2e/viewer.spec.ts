// A viewer's console is read-only everywhere, in a real Chromium against the real console: the admin adds a viewer
// in Settings → Users; signed in as that viewer, every console page (a route's panel, a cluster's detail and
// settings tab included) offers no enabled button, link or menu item whose name is a write verb, except the two
// tools that change nothing (the route tester's Test and the route tests' Run tests), which the viewer uses. The
// same check as an editor finds "Edit route 1" enabled on Routes, so the check itself can fail.
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { newPage, screenshot, waitFor } from "./fixtures";
import { useScene, withApiRoute } from "./scene";

const scene = useScene({ upstreams: { a: "answer from A" }, live: withApiRoute("a"), message: "e2e: route api to cluster a", login: true });
const VIEWER = { email: "vi@viewer-e2e.test", name: "Vi Ewer", password: "the viewer's password" };
const EDITOR = { email: "ed@viewer-e2e.test", name: "Ed Itor", password: "the editor's password" };

// what changes the config, the accounts or the console; "Revoke session" is left to the Sessions page, where a
// viewer may end their own sessions (README, Accounts and roles)
const WRITE = /^(add|edit|delete|remove|save|move|roll ?back|promote|abort|publish|review & publish|discard|restore|create|revoke|start|stop|acknowledge|import|run|test|new)\b/i;
/** Named by a write verb but writing nothing (POST for their bodies only, open to viewers): not write controls. */
const READ_ONLY_TOOLS = new Set(['button "Test"', 'button "Run tests"']);

/** The enabled, visible controls named by a write verb, by accessible name (the read-only tools left out unless asked). */
async function enabledWriteControls(scope: Page | Locator, withTools = false): Promise<string[]> {
  const out: string[] = [];
  // `disabled: false` leaves out what a disabled fieldset disables too (Playwright's aria-disabled computation)
  for (const role of ["button", "menuitem", "link"] as const) {
    for (const el of await scope.getByRole(role, { name: WRITE, disabled: false }).all()) {
      const name = `${role} "${(await el.getAttribute("aria-label")) ?? (await el.textContent())?.trim() ?? "?"}"`;
      if (withTools || !READ_ONLY_TOOLS.has(name)) out.push(name);
    }
  }
  return out;
}

/** Waits (the session and the data load after the page) until no enabled write control is left, else fails naming them. */
async function expectReadOnly(page: Page, where: string, scope: Page | Locator = page) {
  let last: string[] = [];
  await waitFor(`${where}: no enabled write control`, async () => (last = await enabledWriteControls(scope)).length === 0, 8_000).catch(() => {
    throw new Error(`${where}: enabled write controls: ${last.join(", ")}`);
  });
}

async function signIn(page: Page, url: string, who: { email: string; password: string }) {
  await page.goto(url + "/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

describe("a viewer's console", () => {
  it("the admin adds a viewer in Settings → Users", async () => {
    const { app, page } = scene;
    await page.goto(app.url + "/settings/users");
    await page.getByRole("button", { name: "Add user" }).click();
    const dialog = page.getByRole("dialog", { name: "Add user" });
    await dialog.getByLabel("Email").fill(VIEWER.email);
    await dialog.getByLabel("Name").fill(VIEWER.name);
    await dialog.getByLabel("Password").fill(VIEWER.password);
    await dialog.getByLabel("Role").selectOption("viewer");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await page.getByRole("dialog", { name: `${VIEWER.email} can sign in` }).getByRole("button", { name: "Close", exact: true }).last().click();
    await page.getByTestId("user-row").filter({ hasText: VIEWER.email }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
  });

  it("signed in as the viewer, every page offers no enabled write control", async () => {
    const { app, page } = scene;
    await signIn(page, app.url, VIEWER);
    await page.getByTestId("signed-in-as").filter({ hasText: `${VIEWER.name} · viewer` }).waitFor();
    const go = async (path: string, ready: (p: Page) => Promise<unknown>) => {
      await page.goto(app.url + path);
      // the header says read-only once the session is known: the pages then know the role too
      await page.getByText("read-only", { exact: true }).waitFor();
      await ready(page);
      await expectReadOnly(page, path);
    };

    await go("/", (p) => p.getByRole("heading", { level: 1 }).first().waitFor());
    // the header's environment picker switches, but offers no new environment
    await page.getByLabel("Environment").waitFor();
    expect(await page.getByRole("option", { name: "New environment…" }).count()).toBe(0);

    await go("/routes", (p) => p.getByTestId("route-row").first().waitFor());
    expect(await page.getByRole("button", { name: "Add route", disabled: true }).first().getAttribute("title")).toMatch(/^Viewers can't change the config/);
    // the tools that change nothing are the only enabled "write verbs", and they work for a viewer
    let tools: string[] = [];
    const want = [...READ_ONLY_TOOLS].sort().join(", ");
    await waitFor("the viewer's enabled Test and Run tests", async () => (tools = (await enabledWriteControls(page, true)).sort()).join(", ") === want, 8_000).catch(() => {
      throw new Error(`/routes: a viewer's enabled controls named by a write verb: ${tools.join(", ")}; want ${want}`);
    });
    const tester = page.getByRole("region", { name: "Route tester" });
    await tester.getByLabel("Host").fill("example.com");
    await tester.getByLabel("Path").fill("/api/users");
    await tester.getByRole("button", { name: "Test", exact: true }).click();
    const taken = tester.getByRole("region", { name: "Draft result" }).getByRole("listitem", { name: "Route 1 takes the request" });
    await taken.waitFor();
    expect(await taken.innerText()).toContain("cluster a");
    const suite = page.getByRole("region", { name: "Route tests" });
    await suite.getByRole("button", { name: "Run tests" }).click();
    await suite.getByText("No tests to run", { exact: false }).waitFor();
    expect(await suite.getByRole("alert").count()).toBe(0);
    // a route's panel opens read-only: its values, no Save
    await page.getByRole("button", { name: "View route 1 (prefix /api)" }).click();
    const panel = page.getByRole("dialog", { name: "Route" });
    await panel.waitFor();
    expect(await panel.getByLabel("Path prefix", { exact: true }).inputValue()).toBe("/api");
    expect(await panel.getByLabel("Path prefix", { exact: true }).isDisabled()).toBe(true);
    await screenshot(page, "viewer-route-panel");
    await expectReadOnly(page, "/routes, the route's panel", panel);
    // Tab cycles through what is enabled in the panel (its Close buttons), never a disabled field
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const a = document.activeElement;
        return a instanceof HTMLButtonElement && !a.matches(":disabled") && !!a.closest("[role=dialog]") ? (a.getAttribute("aria-label") ?? a.textContent) : `not a panel button: ${a?.outerHTML.slice(0, 80)}`;
      });
      expect(focused).toBe("Close");
    }
    await panel.getByRole("button", { name: "Close", exact: true }).last().click();
    await panel.waitFor({ state: "detached" });

    await go("/clusters", (p) => p.getByTestId("cluster-row").first().waitFor());
    await go("/clusters/a", (p) => p.getByRole("button", { name: "Delete cluster", disabled: true }).waitFor());
    await go("/clusters/a?tab=settings", async (p) => {
      await waitFor("the cluster's settings", async () => (await p.getByLabel("Name", { exact: true }).inputValue().catch(() => "")) === "a");
    });
    expect(await page.getByLabel("Name", { exact: true }).isDisabled()).toBe(true);
    await go("/clusters/a?tab=breakers", (p) => p.getByRole("tab", { name: "Circuit breakers" }).waitFor());
    await go("/listeners", (p) => p.getByTestId("listener-row").first().waitFor());
    await go("/versions", (p) => p.getByRole("link", { name: "Export v1 as Envoy YAML" }).waitFor());
    // the rollback and promote dialogs are not reachable: their buttons are not there
    expect(await page.getByRole("button", { name: /^(Roll back to|Promote) v/ }).count()).toBe(0);
    await go("/nodes", (p) => p.getByRole("button", { name: "Add node", disabled: true }).waitFor());
    await go("/audit", (p) => p.getByRole("heading", { name: "Audit", level: 1 }).waitFor());
    await go("/traces", (p) => p.getByRole("heading", { level: 1 }).first().waitFor());
    await go("/settings", (p) => p.getByText("Only an admin changes these settings", { exact: false }).waitFor());
    expect(await page.getByLabel("Retention (hours)").isDisabled()).toBe(true);
    for (const [path, what] of [["/settings/users", "users"], ["/settings/teams", "teams"], ["/settings/tokens", "API tokens"], ["/settings/sso", "single sign-on"]] as const)
      await go(path, (p) => p.getByText(`Only an admin manages ${what}.`, { exact: false }).waitFor());
    await screenshot(page, "viewer-settings");
  });

  it("the same check as an editor finds Edit on Routes enabled", async () => {
    const { app, browser } = scene;
    await app.send("POST", "/api/users", { ...EDITOR, role: "editor" });
    const page = await newPage(browser);
    try {
      await signIn(page, app.url, EDITOR);
      await page.goto(app.url + "/routes");
      await page.getByTestId("route-row").first().waitFor();
      let found: string[] = [];
      await waitFor("the editor's Edit on route 1", async () => (found = await enabledWriteControls(page)).includes('button "Edit route 1 (prefix /api)"'), 8_000).catch(() => {
        throw new Error(`an editor's enabled write controls on /routes: ${found.join(", ")}`);
      });
      expect(found).toContain('button "Add route"');
    } finally {
      await page.context().close();
    }
  });
});
