// Single sign-on in a real Chromium: a real OpenID Connect provider (oidc-provider on 127.0.0.1, its development
// login and consent pages) configured in the console; the login page offers "Sign in with Test IdP", which goes
// through the provider and lands signed in, with the role the provider's groups map to. Then TOTP: the user of a
// password account turns it on in Settings → Sessions (a QR code drawn in the page beside the key: the symbol of
// exactly the otpauth link) with a code computed here, and signing in asks for a code.
import crypto from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, launchBrowser, newPage, screenshot, startConsole, type Console } from "./fixtures";
import { startOidcProvider, type TestProvider } from "../tests/support/oidc-provider";
import { qrSymbol } from "../components/settings/qr-code-model";

let app: Console;
let idp: TestProvider;
let browser: Browser;
let page: Page;

/** RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) of a base32 key. */
function totp(key: string): string {
  let bits = "";
  for (const c of key.replace(/=+$/, "")) bits += "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(c).toString(2).padStart(5, "0");
  const secret = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)));
  const mac = crypto.createHmac("sha1", secret).update(counter).digest();
  const o = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

beforeAll(async () => {
  app = await startConsole({ waitForWorker: false, env: { SIGNALBOX_WORKER: "off" } });
  idp = await startOidcProvider({ port: await freePort(), redirectUri: `${app.url}/api/auth/callback/oidc` });
  idp.accounts.set("alice", { email: "alice@sso.e2e", name: "Alice", groups: ["sbx-admins"] });
  await app.send("PUT", "/api/settings/sso", {
    name: "Test IdP", issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret,
    scopes: ["openid", "email", "profile", "groups"], groupsClaim: "groups", groupMapping: { groups: { "sbx-admins": { role: "admin" } } },
  });
  browser = await launchBrowser();
  page = await newPage(browser);
}, 90_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await idp?.stop();
  await app?.stop();
});

describe("single sign-on", () => {
  it("signs in through the provider from the login page", async () => {
    await page.goto(app.url + "/login");
    await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.locator('input[name="login"]').fill("alice");
    await page.locator('input[name="password"]').fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL((u) => u.origin === app.url && u.pathname === "/");
    await page.getByTestId("signed-in-as").filter({ hasText: "Alice · admin" }).waitFor();
    await screenshot(page, "sso-signed-in");
  });

  it("shows the settings with the secret only as set", async () => {
    await page.goto(app.url + "/settings/sso");
    await page.getByText(`${app.url}/api/auth/callback/oidc`).waitFor();
    await page.getByText("Set. Leave empty to keep it.").waitFor();
  });
});

describe("two-factor sign-in", () => {
  it("turns TOTP on in Settings → Sessions, then signing in asks for the code", async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(app.url + "/login");
    await p.getByLabel("Email").fill(app.admin.email);
    await p.getByLabel("Password").fill(app.admin.password);
    await p.getByRole("button", { name: "Sign in", exact: true }).click();
    await p.waitForURL((u) => u.pathname === "/");
    await p.goto(app.url + "/settings/sessions");
    await p.getByLabel("Your password").fill(app.admin.password);
    const elsewhere: string[] = [];
    p.on("request", (r) => void (new URL(r.url()).origin !== new URL(app.url).origin && elsewhere.push(r.url())));
    await p.getByRole("button", { name: "Turn two-factor sign-in on" }).click();
    const key = (await p.getByLabel("Key").textContent())?.trim() ?? "";
    // the QR code: an image of scannable size beside the key, the symbol of the otpauth link (which holds the key),
    // drawn in the page: nothing was fetched for it
    const qr = p.getByRole("img", { name: "QR code of the otpauth link" });
    const box = await qr.boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(150);
    expect(box?.height).toBe(box?.width);
    expect(await qr.locator("xpath=..").getByLabel("Key").count()).toBe(1);
    const uri = (await p.getByRole("link", { name: "the otpauth link" }).getAttribute("href")) ?? "";
    expect(new URL(uri).searchParams.get("secret")).toBe(key);
    expect(await qr.locator("path").getAttribute("d")).toBe(qrSymbol(uri).path);
    expect(await qr.evaluate((el) => el.tagName.toLowerCase())).toBe("svg");
    expect(elsewhere).toEqual([]);
    await screenshot(p, "two-factor-qr");
    await p.getByLabel("Code from the app").fill(totp(key));
    await p.getByRole("button", { name: "Confirm and turn on" }).click();
    await p.getByRole("status").filter({ hasText: "Two-factor sign-in is on" }).waitFor();
    await ctx.close();

    const fresh = await browser.newContext();
    const q = await fresh.newPage();
    await q.goto(app.url + "/login");
    await q.getByLabel("Email").fill(app.admin.email);
    await q.getByLabel("Password").fill(app.admin.password);
    await q.getByRole("button", { name: "Sign in", exact: true }).click();
    await q.getByLabel("Code", { exact: true }).fill("000000");
    await q.getByRole("button", { name: "Verify" }).click();
    await q.getByText("Wrong code.").waitFor();
    await q.getByLabel("Code", { exact: true }).fill(totp(key));
    await q.getByRole("button", { name: "Verify" }).click();
    await q.waitForURL((u) => u.pathname === "/");
    await q.getByTestId("signed-in-as").waitFor();
    await fresh.close();
  });
});
