// The console's own pages at scale: the real console (production build, bundled worker on, as `npm start` runs
// it) with a 10,000-route table, its memory, and three screens in real Chromium.
//
// Memory: the console process's RSS idle (after start and a settle), after a 10,000-route PUT /api/config, after
// three more (each sets every route's timeout to another value, so each is a real replacement), after a publish
// the bundled worker applied, and after the browser runs; the last two again after a full GC forced through the
// inspector (bench/lib/inspector-gc.ts), which tells what the console holds from garbage awaiting collection.
// A heap snapshot after the publish and another after the browser runs (the console runs with
// --heapsnapshot-signal=SIGUSR2; the write is synchronous on its main thread), whose largest retainers
// bench/lib/heap-retainers.ts works out once everything is stopped.
//
// Screens (Debian's Chromium through playwright-core, as the e2e tests launch it; timed inside the page by
// bench/lib/page-probe.js with the Performance API, medians of 3):
//   /routes: from the navigation until the first route rows are painted;
//   the filter: from the last keystroke of an 8-character filter (typed at 100 ms a key, a fast typist) until
//     only the matching rows are painted;
//   Review & publish with every route's timeout changed in the draft (10,000 changes): from the click until the
//     drawer's diff is painted, then from a click on "Text diff" until the unified text is (context).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { ConsoleProcess, assertBuilt, freePort, sleep, workerPidOf } from "../../tests/support/console-process";
import { launchBrowser, newPage } from "../../e2e/fixtures";
import { DraftStatus } from "../../lib/contract";
import { ConsoleApi } from "./console-api";
import { analyseHeapSnapshot, type HeapSummary } from "./heap-retainers";
import { collectGarbage, type MemoryUsage } from "./inspector-gc";
import { rssMb } from "./procs";
import { rssByKind, type RssByKind } from "./smaps";
import { publishDoc } from "./publish-latency";

export interface UiTiming {
  ms: number;
  /** main-thread time in long tasks (> 50 ms) inside the measured span, and the longest of them */
  longTaskMs: number;
  longestTaskMs: number;
  /** the console API requests started inside the span: path, start → last byte ms, body size (encoded) */
  api: { path: string; ms: number; kB: number }[];
}

export interface ConsoleUiResult {
  routes: number;
  /** console process RSS, MB; `…Gc`: the same moment after a full GC (what it holds, without garbage awaiting V8's next major GC) */
  rss: { idle: number; afterUpload: number; afterUploads: number; afterPublish: number; afterPublishGc: number; afterBrowser: number; afterBrowserGc: number };
  /** process.memoryUsage() of the console after each full GC */
  afterGc: { published: MemoryUsage & RssByKind; browser: MemoryUsage & RssByKind };
  /** the bundled worker's RSS after the publish, MB (a process of its own) */
  workerRssMb: number;
  /** each PUT /api/config, ms */
  uploadMs: number[];
  heap: HeapSummary & { writeMs: number };
  /** a second snapshot once the browser runs are over: what serving the pages left behind */
  heapAfterBrowser: HeapSummary;
  ui: { firstRows: UiTiming[]; filter: UiTiming[]; drawer: UiTiming[]; textDiff: UiTiming[] };
  filterText: string;
  /** changes the drawer's diff listed */
  diffChanges: number;
  /** the unified text of the last run: its lines, or the console's notice that it gave up computing it */
  textDiff: { lines: number; computed: boolean };
  seconds: number;
  loadAvg: [number, number];
}

const TOKEN = "bench-" + Math.random().toString(36).slice(2);
const RUNS = 3;
const SETTLE_MS = 2000;
const IDLE_SETTLE_MS = 5000;
const KEY_DELAY_MS = 100;
/** The in-page probe to inject with page.addInitScript({ path: PROBE }). */
export const PROBE = path.join(import.meta.dirname, "page-probe.js");
const DIFF_LABEL = "Draft diff against the live version";

/** publishDoc's table (bench/lib/publish-latency.ts) with every forwarding route's timeout set to `timeout`. */
export function tableWithTimeout(routes: number, timeout: string) {
  const doc = publishDoc(routes);
  for (const l of doc.static_resources.listeners)
    for (const fc of l.filter_chains)
      for (const f of fc.filters)
        for (const vh of f.typed_config.route_config.virtual_hosts)
          vh.routes = vh.routes.map((r) => {
            const route = r as { route?: Record<string, unknown> };
            return route.route ? { ...route, route: { ...route.route, timeout } } : r;
          });
  return doc;
}

/** An 8-character filter matching one regex route of the table (`/svc<i>/[0-9]+`, i % 3 == 2), ¾ of the way down. */
export function filterFor(routes: number): string {
  let i = Math.floor(0.75 * (routes - 1));
  while (i % 3 !== 2) i--;
  if (i < 1000 || i > 9999) throw new Error(`no 8-character filter for ${routes} routes: use 1,400 to 13,000`);
  return `/svc${i}`;
}

/** SIGUSR2 → the console writes Heap.<date>.<time>.<pid>….heapsnapshot into its --diagnostic-dir. */
async function writeHeapSnapshot(c: ConsoleProcess, dir: string): Promise<{ file: string; ms: number }> {
  const pid = c.proc!.pid!;
  const before = new Set(fs.readdirSync(dir));
  const t0 = performance.now();
  process.kill(pid, "SIGUSR2");
  const name = await c.until("the console to start writing its heap snapshot", async () => fs.readdirSync(dir).find((f) => f.endsWith(".heapsnapshot") && f.includes(`.${pid}.`) && !before.has(f)), 60_000, 100);
  // writeHeapSnapshot() blocks the console's main thread until the file is whole: an answer means it is done
  await c.until("the console to answer after its heap snapshot", async () => (await fetch(`${c.base}/login`, { signal: AbortSignal.timeout(300_000) })).ok, 300_000, 200);
  const file = path.join(dir, name);
  const fd = fs.openSync(file, "r");
  const tail = Buffer.alloc(16);
  fs.readSync(fd, tail, 0, 16, Math.max(0, fs.fstatSync(fd).size - 16));
  fs.closeSync(fd);
  if (!tail.toString().trimEnd().endsWith("}")) throw new Error(`heap snapshot ${file} is incomplete`);
  return { file, ms: performance.now() - t0 };
}

/** The console's first admin, created at its start (SIGNALBOX_ADMIN_EMAIL / SIGNALBOX_ADMIN_PASSWORD). */
const ADMIN = { email: "bench@signalbox.test", password: "bench-password-" + Math.random().toString(36).slice(2) };

export async function signIn(page: Page, base: string, admin = ADMIN) {
  // as e2e/fixtures.ts login() does: the button is enabled once the form is hydrated
  await page.goto(`${base}/login`);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

/** The measurement armed in the page (page-probe.js), or an error with what the page shows. */
async function result(page: Page, name: string, timeoutMs = 120_000): Promise<UiTiming> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  try {
    const r = await Promise.race([page.evaluate(`window.__sbProbe.result(${JSON.stringify(name)})`) as Promise<UiTiming | undefined>, timeout]);
    if (r === "timeout") throw new Error(`${name}: not shown within ${timeoutMs} ms; the page: ${await page.evaluate("window.__sbProbe.diagnose()")}`);
    if (!r) throw new Error(`${name}: no such measurement armed in the page (is bench/lib/page-probe.js injected?)`);
    return r;
  } finally {
    clearTimeout(timer);
  }
}

const arm = (page: Page, name: string, start: object, until: object) => page.evaluate(`window.__sbProbe.arm(${JSON.stringify(name)}, ${JSON.stringify(start)}, ${JSON.stringify(until)})`);

/** The routes table's rows by role (header, group and empty-state rows hold fewer than two cells). */
const routeRows = (page: Page) => page.getByRole("table", { name: "Routes in match order" }).getByRole("row").filter({ has: page.getByRole("cell").nth(1) });

export async function routesPage(page: Page, base: string, filter: string, log: (m: string) => void, runs = RUNS) {
  const firstRows: UiTiming[] = [];
  const filtered: UiTiming[] = [];
  for (let run = 1; run <= runs; run++) {
    await page.goto(`${base}/routes`, { waitUntil: "commit" });
    firstRows.push(await result(page, "route-rows"));
    await sleep(1000);
    await arm(page, `filter-${run}`, { kind: "key", selector: 'input[aria-label="Filter routes"]' }, { state: "filtered-rows", arg: filter });
    await page.getByRole("searchbox", { name: "Filter routes" }).pressSequentially(filter, { delay: KEY_DELAY_MS });
    filtered.push(await result(page, `filter-${run}`));
    const shown = await routeRows(page).count();
    if (shown !== 1 || (await routeRows(page).filter({ hasText: filter }).count()) !== 1) throw new Error(`filter ${filter}: ${shown} rows shown, expected the one route it matches`);
    log(`run ${run}: first rows ${firstRows[run - 1].ms.toFixed(0)} ms, filter ${filtered[run - 1].ms.toFixed(0)} ms`);
  }
  return { firstRows, filter: filtered };
}

export async function reviewDrawer(page: Page, base: string, log: (m: string) => void, runs = RUNS) {
  const drawer: UiTiming[] = [];
  const textDiff: UiTiming[] = [];
  let listed = 0;
  let text = { lines: 0, computed: false };
  for (let run = 1; run <= runs; run++) {
    await page.goto(`${base}/routes`);
    await page.getByTestId("draft-state").filter({ hasText: /Draft: [\d,]+ changes?/ }).waitFor();
    await routeRows(page).first().waitFor();
    await sleep(1000);
    await arm(page, `drawer-${run}`, { kind: "click", text: "Review & publish" }, { state: "dialog-region", arg: DIFF_LABEL });
    await page.getByRole("button", { name: "Review & publish" }).click();
    drawer.push(await result(page, `drawer-${run}`));
    const diff = page.getByRole("dialog", { name: "Review & publish" }).getByRole("region", { name: DIFF_LABEL });
    listed = Number((/([\d,]+) changes?\b/.exec(await diff.innerText())?.[1] ?? "0").replace(/,/g, ""));
    await arm(page, `text-${run}`, { kind: "click", text: "Text diff" }, { state: "dialog-region", arg: `${DIFF_LABEL} as text` });
    await diff.getByText("Text diff", { exact: true }).click();
    textDiff.push(await result(page, `text-${run}`));
    // the console gives up on the unified text past a time limit and shows a notice instead: say which was timed
    text = await diff.getByLabel(`${DIFF_LABEL} as text`).evaluate((el) => ({ lines: el.childElementCount, computed: !/was not computed|too many for a text diff/.test(el.textContent ?? "") }));
    log(`run ${run}: drawer ${drawer[run - 1].ms.toFixed(0)} ms (${listed} changes), text diff ${textDiff[run - 1].ms.toFixed(0)} ms (${text.computed ? `${text.lines} lines` : "not computed by the console"})`);
  }
  return { drawer, textDiff, listed, text };
}

export async function runConsoleUi(log: (m: string) => void = (m) => console.log(`[console-ui] ${m}`)): Promise<ConsoleUiResult> {
  assertBuilt();
  const routes = Number(process.env.BENCH_CONSOLE_ROUTES ?? 10000);
  const filter = filterFor(routes);
  const t0 = performance.now();
  const load0 = os.loadavg()[0];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-console-ui-"));
  // the inspector opens only on SIGUSR1 (collectGarbage); the bundled worker inherits the options and is never signalled
  const inspectPort = await freePort();
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ""} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dataDir} --inspect-port=127.0.0.1:${inspectPort}`.trim();
  const c = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, admin: ADMIN, starterPort: await freePort(), workerAdminPort: await freePort(), env: { NODE_OPTIONS: nodeOptions } });
  const api = new ConsoleApi(c.base, TOKEN);
  const auth = { authorization: `Bearer ${TOKEN}` };
  let browser: Awaited<ReturnType<typeof launchBrowser>> | null = null;
  // Ctrl-C ends the runner with process.exit (bench/lib/procs.ts), skipping `finally`: the console runs in its own
  // process group and its worker in another, so both are killed here by PID
  const onExit = () => {
    for (const pid of [c.proc?.pid ? -c.proc.pid : null, workerPidOf(dataDir)])
      try {
        if (pid) process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
  };
  process.on("exit", onExit);
  try {
    await c.start(60_000);
    const pid = c.proc!.pid!;
    const rss = async (settleMs = SETTLE_MS) => {
      await sleep(settleMs);
      return rssMb(pid);
    };
    await c.until("the bundled worker to apply the starter version", async () => (await api.nodes()).some((n) => n.connected && n.appliedVersion), 60_000, 250);
    const idle = await rss(IDLE_SETTLE_MS);
    log(`console up, RSS idle ${idle.toFixed(0)} MB`);

    const uploadMs: number[] = [];
    const upload = async (timeout: string) => {
      const t = performance.now();
      await api.putConfig(tableWithTimeout(routes, timeout));
      uploadMs.push(performance.now() - t);
    };
    await upload("11s");
    const afterUpload = await rss();
    for (const t of ["12s", "13s", "14s"]) await upload(t);
    const afterUploads = await rss();
    log(`${routes.toLocaleString("en-US")} routes uploaded 4× (${uploadMs.map((m) => (m / 1000).toFixed(1)).join(", ")} s): RSS ${afterUpload.toFixed(0)} MB after the first, ${afterUploads.toFixed(0)} MB after the fourth`);

    const v = await api.publish("bench: console-ui");
    await c.until(`the bundled worker to apply v${v.number}`, async () => (await api.nodes()).some((n) => n.connected && n.appliedVersion === v.id), 120_000, 250);
    const afterPublish = await rss();
    const workerPid = workerPidOf(dataDir);
    const workerRssMb = workerPid === null ? NaN : rssMb(workerPid);
    const publishedGc = await collectGarbage(pid, inspectPort);
    const afterPublishGc = await rss();
    const publishedMap = rssByKind(pid);
    log(`published v${v.number}, applied: RSS ${afterPublish.toFixed(0)} MB, ${afterPublishGc.toFixed(0)} MB after a full GC (worker ${workerRssMb.toFixed(0)} MB)`);
    const snapshot = await writeHeapSnapshot(c, dataDir);
    log(`heap snapshot written in ${(snapshot.ms / 1000).toFixed(1)} s (${(fs.statSync(snapshot.file).size / 2 ** 20).toFixed(0)} MiB)`);

    // the pending change the drawer reviews: every route's timeout
    await upload("15s");
    const status = DraftStatus.parse(await (await fetch(`${c.base}/api/draft/status`, { headers: auth })).json());
    if (status.changes.length === 0) throw new Error("the draft shows no change after the timeout upload");

    browser = await launchBrowser();
    const page = await newPage(browser);
    page.setDefaultTimeout(120_000);
    await page.addInitScript({ path: PROBE });
    await signIn(page, c.base);
    const list = await routesPage(page, c.base, filter, log);
    const review = await reviewDrawer(page, c.base, log);
    if (review.listed < routes) throw new Error(`the drawer listed ${review.listed} changes, expected every route's (${routes})`);
    await browser.close();
    browser = null;
    const afterBrowser = await rss();
    const browserGc = await collectGarbage(pid, inspectPort);
    const afterBrowserGc = await rss();
    const browserMap = rssByKind(pid);
    log(`browser runs done: RSS ${afterBrowser.toFixed(0)} MB, ${afterBrowserGc.toFixed(0)} MB after a full GC`);
    const second = await writeHeapSnapshot(c, dataDir);

    await c.stop();
    const heap = { ...analyseHeapSnapshot(snapshot.file), writeMs: snapshot.ms };
    const heapAfterBrowser = analyseHeapSnapshot(second.file);
    const keep = process.env.BENCH_HEAPSNAPSHOT_DIR;
    if (keep) {
      fs.mkdirSync(keep, { recursive: true });
      for (const f of [snapshot.file, second.file]) fs.copyFileSync(f, path.join(keep, path.basename(f)));
    }
    return {
      routes,
      rss: { idle, afterUpload, afterUploads, afterPublish, afterPublishGc, afterBrowser, afterBrowserGc },
      afterGc: { published: { ...publishedGc, ...publishedMap }, browser: { ...browserGc, ...browserMap } },
      workerRssMb,
      uploadMs,
      heap,
      heapAfterBrowser,
      ui: { ...list, drawer: review.drawer, textDiff: review.textDiff },
      filterText: filter,
      diffChanges: review.listed,
      textDiff: review.text,
      seconds: (performance.now() - t0) / 1000,
      loadAvg: [load0, os.loadavg()[0]],
    };
  } finally {
    await browser?.close();
    await c.stop();
    process.off("exit", onExit);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
