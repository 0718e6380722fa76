// e2e fixtures: the real console in production mode (with its bundled worker), real upstream servers,
// and Debian's Chromium driven by playwright-core. Everything started here is stopped by PID.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { startUpstream as startKitUpstream, type Upstream } from "../proxy-core/test/kit/upstream";
import { waitFor as poll } from "../proxy-core/test/kit/wait";
import { ConsoleProcess, assertBuilt, freePort, tail } from "../tests/support/console-process";

export const ROOT = process.env.SIGNALBOX_E2E_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SCREENSHOTS = path.join(ROOT, "e2e", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export { freePort };

/** The test kit's poll (proxy-core/test/kit/wait.ts) at a pace suited to a browser: every 250 ms, 30 s by default. */
export function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 30_000, everyMs = 250) {
  return poll(what, fn, { timeoutMs, everyMs });
}

// ---------------------------------------------------------------- upstreams

export type { Upstream };

/** An upstream on 127.0.0.1 answering every request with `status` and `body` (proxy-core/test/kit/upstream.ts). */
export function startUpstream(body: string, status = 200): Promise<Upstream> {
  return startKitUpstream({ body, status });
}

// ---------------------------------------------------------------- console

export interface Console {
  url: string;
  /** the bootstrap admin token (SIGNALBOX_ADMIN_TOKEN): what api() and send() authenticate with */
  token: string;
  /** the admin account the console creates at start; login() and loginWithSession() sign in with it */
  admin: { email: string; password: string };
  listener: string;
  dataDir: string;
  pid: number;
  log: () => string;
  /** waitFor for what the console or its worker should bring about: fails at once if the console exits, and with diagnosis() */
  until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs?: number, everyMs?: number): Promise<T>;
  /** GET /api/worker, GET /api/nodes and the console's output tail: what a failed wait reports */
  diagnosis(): Promise<string>;
  api<T>(p: string): Promise<T>;
  /** any method, JSON in and out; throws on a non-2xx with the server's answer */
  send<T>(method: string, p: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** `workerAdminPort`: the bundled worker's admin port (default: a free one); `waitForWorker: false` returns as
 *  soon as the console serves, for a worker that is not expected to start. */
export async function startConsole(opts: { workerAdminPort?: number; waitForWorker?: boolean; env?: Record<string, string>; withAdmin?: boolean } = {}): Promise<Console> {
  assertBuilt(ROOT);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-e2e-"));
  const [port, listenerPort, adminPort] = [await freePort(), await freePort(), opts.workerAdminPort ?? (await freePort())];
  const token = `e2e-${Math.random().toString(36).slice(2)}`;
  const admin = { email: "admin@e2e.test", password: `pw-${Math.random().toString(36).slice(2)}-e2e` };
  // withAdmin: false starts with no account at all (the first-run setup page)
  const proc = new ConsoleProcess({ dataDir, port, token, starterPort: listenerPort, workerAdminPort: adminPort, root: ROOT, admin: opts.withAdmin === false ? undefined : admin, env: opts.env });
  const url = proc.base;

  const api = async <T>(p: string): Promise<T> => {
    const res = await fetch(url + p, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const send = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(url + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  const stop = async () => {
    await proc.stop(5000);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await proc.start(60_000);
    // the bundled worker connected and runs the starter version (a timeout says what the console knows of it)
    if (opts.waitForWorker !== false) {
      await proc.until("the bundled worker to apply the live version", async () => {
        const s = await api<{ live: { id: string } | null; nodes: { applied: number } }>("/api/draft/status");
        return s.live && s.nodes.applied >= 1;
      }, 30_000, 250);
    }
  } catch (e) {
    const message = (e as Error).message;
    // proc.start() puts the whole output in its message; a wait has the tail in its diagnosis
    const output = message.includes(proc.log) ? "" : `\n${tail("console output", proc.log, 200)}`;
    await stop();
    throw new Error(`${message}${output}`);
  }
  return {
    url,
    token,
    admin,
    listener: `127.0.0.1:${listenerPort}`,
    dataDir,
    pid: proc.proc!.pid!,
    log: () => proc.log,
    until: (what, fn, timeoutMs = 30_000, everyMs = 250) => proc.until(what, fn, timeoutMs, everyMs),
    diagnosis: () => proc.diagnosis(),
    api,
    send,
    stop,
  };
}

// ---------------------------------------------------------------- browser

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export async function newPage(browser: Browser): Promise<Page> {
  // E2E_COLOR_SCHEME=dark renders the screenshots in the dark theme
  const colorScheme = process.env.E2E_COLOR_SCHEME === "dark" ? "dark" : "light";
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme });
  page.setDefaultTimeout(15_000);
  return page;
}

export async function login(page: Page, c: Console, shot = true): Promise<void> {
  await page.goto(c.url + "/login");
  await page.getByLabel("Email").fill(c.admin.email);
  await page.getByLabel("Password").fill(c.admin.password);
  if (shot) await screenshot(page, "login");
  // click waits until the button is enabled, i.e. the form is hydrated
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

/**
 * Logs the page's browser context in without the form: POST /api/session with the admin account through the
 * context's own request client, whose cookie store is the context's, so every page of it (and every later test of
 * the file) carries the signalbox_session cookie. The form itself is e2e/pages/login.spec.ts's to test.
 */
export async function loginWithSession(page: Page, c: Console): Promise<void> {
  // Origin: a context that already holds a session cookie sends a write only from the console's own origin (CSRF)
  const res = await page.context().request.post(c.url + "/api/session", { data: { email: c.admin.email, password: c.admin.password }, headers: { origin: c.url } });
  if (!res.ok()) throw new Error(`POST /api/session: HTTP ${res.status()} ${(await res.text()).slice(0, 300)}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** One request through the proxy listener; returns status and body. */
export async function throughProxy(listener: string, p: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://${listener}${p}`, { signal: AbortSignal.timeout(3000) });
  return { status: res.status, body: await res.text() };
}
