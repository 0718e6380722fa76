// The console's frame in a real Chromium against the real console: a side panel keeps the keyboard inside it
// (Tab and Shift+Tab cycle through its controls, Escape closes it and gives focus back to the button that opened
// it); a 60-character name is cut with an ellipsis and its whole self as the tooltip, and the Clusters, Routes and
// Nodes tables keep their width; Sign out ends the session: the cookie is gone, a console page goes to /login.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, login, newPage, startConsole, type Console } from "./fixtures";

let app: Console;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startConsole({ waitForWorker: false });
  browser = await launchBrowser();
  page = await newPage(browser);
  await login(page, app, false);
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await app?.stop();
});

/** Where the keyboard is: inside the open dialog (and which control), or not. */
const focus = () =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { inDialog: !!el?.closest("[role=dialog]"), mark: el?.dataset.e2eMark ?? null, label: el?.getAttribute("aria-label") ?? el?.textContent?.trim() ?? "" };
  });

describe("frame", () => {
  it("a side panel traps Tab and Shift+Tab, and Escape returns focus to the button that opened it", async () => {
    await page.goto(app.url + "/routes");
    const add = page.getByRole("button", { name: "Add route" }).first();
    await add.click();
    const panel = page.getByRole("dialog", { name: "New route" });
    await panel.waitFor();
    // focus moved into the panel, on its first field
    expect((await focus()).inDialog).toBe(true);
    await page.evaluate(() => ((document.activeElement as HTMLElement).dataset.e2eMark = "first"));

    // Tab walks every control and comes back round to the first without ever leaving the panel
    let steps = 0;
    for (;;) {
      await page.keyboard.press("Tab");
      steps++;
      const f = await focus();
      expect(f.inDialog, `Tab ${steps} left the panel (${f.label})`).toBe(true);
      if (f.mark === "first") break;
      expect(steps, "Tab never came back to the first control").toBeLessThan(80);
    }
    expect(steps).toBeGreaterThan(2);

    // Shift+Tab from the first control wraps to the last, still inside; Tab from there is the first again
    await page.keyboard.press("Shift+Tab");
    expect(await focus()).toMatchObject({ inDialog: true, mark: null });
    await page.keyboard.press("Tab");
    expect((await focus()).mark).toBe("first");

    // a click outside cannot take the keyboard out: focus that lands outside is brought back
    await page.evaluate(() => (document.querySelector("nav a") as HTMLElement | null)?.focus());
    expect((await focus()).inDialog).toBe(true);

    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    expect(await add.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it("long names are cut with an ellipsis and a tooltip, and the tables do not stretch", async () => {
    const name = "c" + "-very-long-cluster-name".repeat(3).slice(0, 59);
    expect(name).toHaveLength(60);
    const prefix = "/" + "deeply/nested/path/".repeat(4).slice(0, 59);
    await app.send("PUT", `/api/draft/clusters/${name}`, {
      name, connect_timeout: "1s", type: "STATIC",
      load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9 } } } }] }] },
    });
    await app.send("POST", "/api/draft/routes", { route: { match: { prefix }, route: { cluster: name } } });

    /** The element showing `text` (as its title): cut (narrower than its text) and what its table does. */
    const measure = (text: string) =>
      page.evaluate((t) => {
        const el = [...document.querySelectorAll<HTMLElement>(".truncate")].find((e) => e.title === t);
        const wrap = el?.closest<HTMLElement>(".table-wrap, .data-table");
        return el ? { cut: el.scrollWidth > el.clientWidth, shown: el.textContent, width: el.getBoundingClientRect().width, overflows: wrap ? wrap.scrollWidth > wrap.clientWidth : null } : null;
      }, text);

    await page.goto(app.url + "/clusters");
    await page.getByTestId("cluster-row").filter({ hasText: name.slice(0, 10) }).first().waitFor();
    const cluster = await measure(name);
    expect(cluster).toMatchObject({ cut: true, shown: name, overflows: false });
    expect(cluster!.width).toBeLessThan(320);

    await page.goto(app.url + "/routes");
    await page.getByTestId("route-row").first().waitFor();
    for (const text of [name, prefix]) {
      const m = await measure(text);
      expect(m, text).toMatchObject({ cut: true, overflows: false });
    }

    // the cluster's own page: the name in the heading is cut to the page's width, not beyond
    await page.goto(app.url + `/clusters/${encodeURIComponent(name)}`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    const heading = await page.evaluate(() => {
      const h = document.querySelector("h1")!;
      return { page: document.documentElement.scrollWidth <= document.documentElement.clientWidth, title: h.querySelector<HTMLElement>(".truncate")?.title };
    });
    expect(heading).toEqual({ page: true, title: name });

    // Nodes: the same component in the node column (the bundled worker's id is short: nothing is cut)
    await page.goto(app.url + "/nodes");
    await page.getByTestId("node-row").first().waitFor();
    expect(await measure("local")).toMatchObject({ cut: false, shown: "local", overflows: false });
  });

  it("Sign out clears the session: the page goes to /login, a console page sends back there, the API says 401", async () => {
    await page.goto(app.url + "/routes");
    await page.getByTestId("signed-in-as").filter({ hasText: "admin" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    const cookies = await page.context().cookies(app.url);
    expect(cookies.find((c) => c.name === "signalbox_session")).toBeUndefined();

    await page.goto(app.url + "/clusters");
    await page.waitForURL((u) => u.pathname === "/login");
    await page.getByLabel("Password").waitFor();
    expect((await page.request.get(app.url + "/api/session")).status()).toBe(401);

    // and signing in again works
    await login(page, app, false);
    await page.getByTestId("signed-in-as").waitFor();
  });
});
