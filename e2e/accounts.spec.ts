// Accounts in a real Chromium against the real console, started with no account: the first visit goes to /setup,
// which creates the first admin and signs them in; the admin adds an editor in Settings → Users and signs out; a
// wrong password reads as such on /login; the admin limits the editor to environment staging (Environments on the
// user's row, then the table says so); the editor signs in, sees their role in the header and no user admin; a
// viewer sees no publish button and disabled add buttons.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot, startConsole, waitFor, type Console } from "./fixtures";

let app: Console;
let browser: Browser;
let page: Page;
const ADMIN = { email: "first@e2e.test", name: "First Admin", password: "the first admin password" };
const EDITOR = { email: "ed@e2e.test", name: "Ed Itor", password: "the editor's password" };
const VIEWER = { email: "vi@e2e.test", name: "Vi Ewer", password: "the viewer's password" };

beforeAll(async () => {
  app = await startConsole({ withAdmin: false, waitForWorker: false, env: { SIGNALBOX_WORKER: "off" } });
  browser = await launchBrowser();
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await app?.stop();
});

const signedInAs = () => page.getByTestId("signed-in-as");

describe("accounts", () => {
  it("the first visit creates the first admin on /setup and signs them in", async () => {
    await page.goto(app.url + "/routes");
    await page.waitForURL((u) => u.pathname === "/setup");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Name").fill(ADMIN.name);
    await page.getByLabel("Password").fill("too short");
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "At least 12 characters." }).waitFor();
    await page.getByLabel("Password").fill(ADMIN.password);
    // a refused field is checked again as it is typed: the message goes once the password is long enough
    await page.getByRole("alert").filter({ hasText: "At least 12 characters." }).waitFor({ state: "detached" });
    await screenshot(page, "setup");
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.waitForURL((u) => u.pathname === "/");
    await signedInAs().filter({ hasText: `${ADMIN.name} · admin` }).waitFor();
    // setup is over: the page only sends you on
    await page.goto(app.url + "/setup");
    await page.waitForURL((u) => u.pathname === "/login" || u.pathname === "/");
  });

  it("the admin adds an editor and a viewer in Settings → Users, then signs out", async () => {
    await page.goto(app.url + "/settings/users");
    await page.getByTestId("user-row").filter({ hasText: ADMIN.email }).waitFor();
    for (const [u, role] of [[EDITOR, "editor"], [VIEWER, "viewer"]] as const) {
      await page.getByRole("button", { name: "Add user" }).click();
      const dialog = page.getByRole("dialog", { name: "Add user" });
      await dialog.getByLabel("Email").fill(u.email);
      await dialog.getByLabel("Name").fill(u.name);
      await dialog.getByLabel("Password").fill(u.password);
      await dialog.getByLabel("Role").selectOption(role);
      await dialog.getByRole("button", { name: "Create user" }).click();
      await page.getByRole("dialog", { name: `${u.email} can sign in` }).getByRole("button", { name: "Close", exact: true }).last().click();
      const row = page.getByTestId("user-row").filter({ hasText: u.email });
      await row.waitFor();
      expect(await row.getByLabel(`Role of ${u.email}`).inputValue()).toBe(role);
    }

    // the editor may change staging only: picked in the user's Environments dialog, then shown in the table
    await app.send("POST", "/api/environments", { name: "staging" });
    const edRow = page.getByTestId("user-row").filter({ hasText: EDITOR.email });
    expect(await edRow.getByTestId("user-environments").innerText()).toBe("All environments");
    await edRow.getByRole("button", { name: `Environments of ${EDITOR.email}` }).click();
    const envs = page.getByRole("dialog", { name: `Environments of ${EDITOR.email}` });
    await envs.getByLabel("staging", { exact: true }).waitFor();
    expect(await envs.getByLabel("All environments").isChecked()).toBe(true);
    await envs.getByLabel("staging", { exact: true }).check();
    expect(await envs.getByLabel("All environments").isChecked()).toBe(false);
    await screenshot(page, "user-environments");
    await envs.getByRole("button", { name: "Save environments" }).click();
    await envs.waitFor({ state: "detached" });
    await edRow.getByTestId("user-environments").filter({ hasText: /^staging$/ }).waitFor();
    expect(await page.getByTestId("user-row").filter({ hasText: ADMIN.email }).getByTestId("user-environments").innerText()).toBe("All environments (admin)");
    await screenshot(page, "users");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    expect((await page.context().cookies()).find((c) => c.name === "signalbox_session")).toBeUndefined();
    await page.goto(app.url + "/");
    await page.waitForURL((u) => u.pathname === "/login");
  });

  it("a wrong password says so; the editor signs in and sees their role, without user admin", async () => {
    await page.goto(app.url + "/login");
    await page.getByLabel("Email").fill(EDITOR.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Wrong email or password.").waitFor();

    await page.getByLabel("Password").fill(EDITOR.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    await signedInAs().filter({ hasText: `${EDITOR.name} · editor` }).waitFor();
    // limited to staging, the editor reads default: no publish there, and Add route disabled with the reason
    await page.goto(app.url + "/routes");
    const addRoute = page.getByRole("button", { name: "Add route" });
    await addRoute.waitFor();
    await waitFor("Add route to be disabled in default", async () => await addRoute.isDisabled());
    expect(await addRoute.getAttribute("title")).toBe("You may change environments staging only: ask an admin to change that");
    expect(await page.getByRole("button", { name: "Review & publish" }).count()).toBe(0);
    // in staging the same editor edits and publishes
    await page.getByLabel("Environment").selectOption("staging");
    await page.getByRole("button", { name: "Review & publish" }).waitFor();
    expect(await page.getByRole("button", { name: "Add route" }).isDisabled()).toBe(false);
    await page.goto(app.url + "/settings/users");
    await page.getByText("Only an admin manages users.").waitFor();
  });

  it("a viewer reads: no publish, no add buttons", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    await page.getByLabel("Email").fill(VIEWER.email);
    await page.getByLabel("Password").fill(VIEWER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    await signedInAs().filter({ hasText: `${VIEWER.name} · viewer` }).waitFor();
    await page.getByText("read-only", { exact: true }).waitFor();
    expect(await page.getByRole("button", { name: "Review & publish" }).count()).toBe(0);
    await page.goto(app.url + "/routes");
    // disabled once the page knows the role (GET /api/session)
    await page.getByRole("button", { name: "Add route", disabled: true }).first().waitFor();
    expect(await page.getByRole("button", { name: "Add route", disabled: false }).count()).toBe(0);
  });
});
