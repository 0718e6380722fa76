// Markdown for the console scenario (bench/lib/console-ui.ts): rows for the report's Targets table, and a section
// with the memory points, every run of the three screens and the heap's largest retainers. Shared by the full
// report and `BENCH_ONLY=console`.
import type { ConsoleUiResult, UiTiming } from "./console-ui";
import type { MemoryUsage } from "./inspector-gc";
import type { RssByKind } from "./smaps";

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "–");
const mark = (ok: boolean) => (ok ? "✓ met" : "✗ missed");
const mib = (bytes: number) => fmt(bytes / 2 ** 20, bytes < 10 * 2 ** 20 ? 1 : 0);
const cell = (s: string) => s.replace(/\|/g, "\\|");
const v8 = (m: MemoryUsage & RssByKind) =>
  `V8 heap ${fmt(m.heapUsed)} MB used of ${fmt(m.heapTotal)}, external ${fmt(m.external)} MB; RSS ${fmt(m.fileMb)} MB file-backed, ${fmt(m.mallocMainMb)} MB main malloc arena, ${fmt(m.anonMb)} MB other anonymous, ${m.threads} threads`;

/** The run with the median time (3 runs: the middle one). */
export function medianRun(xs: UiTiming[]): UiTiming {
  return [...xs].sort((a, b) => a.ms - b.ms)[xs.length >> 1];
}

/** The API request of a run whose path starts with `prefix`: "GET /api/draft/routes 2,345 KiB in 420 ms". */
function apiText(t: UiTiming, prefix: string): string {
  const hits = t.api.filter((a) => a.path.startsWith(prefix));
  if (hits.length === 0) return "";
  const a = hits.reduce((x, y) => (y.ms > x.ms ? y : x));
  return `${a.path} ${fmt(a.kB)} KiB in ${fmt(a.ms)} ms`;
}

function measured(xs: UiTiming[], api?: string): string {
  const m = medianRun(xs);
  const parts = [`runs ${xs.map((x) => fmt(x.ms)).join(" / ")} ms`];
  const call = api ? apiText(m, api) : "";
  if (call) parts.push(call);
  parts.push(`long tasks ${fmt(m.longTaskMs)} ms, the longest ${fmt(m.longestTaskMs)} ms`);
  return `${fmt(m.ms)} ms (${parts.join("; ")})`;
}

/** The rows of the report's Targets table. */
export function consoleUiTargetRows(r: ConsoleUiResult): string[] {
  const n = fmt(r.routes);
  const first = medianRun(r.ui.firstRows).ms;
  const filter = medianRun(r.ui.filter).ms;
  const drawer = medianRun(r.ui.drawer).ms;
  const rss = r.rss;
  return [
    `| console, /routes with ${n} routes: navigation → first route rows painted (Chromium, median of ${r.ui.firstRows.length}) | < 1 s | ${measured(r.ui.firstRows, "/api/draft/routes")} | ${mark(first < 1000)} |`,
    `| console, ${r.filterText.length}-character filter over ${n} routes: last keystroke → only the matching row painted | < 300 ms | ${measured(r.ui.filter)} | ${mark(filter < 300)} |`,
    `| console, Review & publish with ${fmt(r.diffChanges)} changed routes (every timeout): click → the drawer's diff painted | < 1 s | ${measured(r.ui.drawer, "/api/draft/diff")} | ${mark(drawer < 1000)} |`,
    `| (context) … then "Text diff": click → the unified text painted | – | ${measured(r.ui.textDiff)}; ${r.textDiff.computed ? `${fmt(r.textDiff.lines)} lines` : "the console gave up computing the text diff (its time limit) and showed its notice instead"} | |`,
    `| (context) console RSS, ${n} routes: idle → 1 upload → 4 uploads → published → after the browser runs | – | ${[rss.idle, rss.afterUpload, rss.afterUploads, rss.afterPublish, rss.afterBrowser].map((x) => fmt(x)).join(" → ")} MB; after a full GC ${fmt(rss.afterPublishGc)} MB (published) and ${fmt(rss.afterBrowserGc)} MB (after the browser runs); live heap at the snapshot ${mib(r.heap.totalBytes)} MiB, largest retainer: ${r.heap.top[0] ? `${cell(r.heap.top[0].name)} ${mib(r.heap.top[0].retainedBytes)} MiB` : "–"} | |`,
  ];
}

/** The section: memory points, every run, the heap's largest retainers. */
export function consoleUiSection(r: ConsoleUiResult): string[] {
  const n = fmt(r.routes);
  const rss = r.rss;
  const run = (name: string, xs: UiTiming[]) => {
    const m = medianRun(xs);
    const api = m.api.length ? m.api.map((a) => `${a.path} ${fmt(a.kB)} KiB ${fmt(a.ms)} ms`).join(", ") : "–";
    return `| ${name} | ${xs.map((x) => fmt(x.ms)).join(" / ")} | ${fmt(m.ms)} | ${fmt(m.longTaskMs)} (${fmt(m.longestTaskMs)}) | ${cell(api)} |`;
  };
  const lines = [
    `## Console at ${n} routes`,
    "",
    `The real console (production build, bundled worker on, as \`npm start\` runs it), its table loaded with \`PUT /api/config\` (publishDoc of bench/lib/publish-latency.ts: prefix, header and regex routes; every route's timeout set). Chromium (Debian's, headless, through playwright-core, 1360×900) timed inside the page with the Performance API (bench/lib/page-probe.js): from the navigation (the document's time origin) or the input event's own timestamp (the last keydown; the click) until the frame painted after the DOM shows the state: route rows in the table named "Routes in match order", only the rows matching \`${r.filterText}\` (typed at 100 ms a key), the drawer's diff region. Each run navigates afresh.`,
    "",
    "| console RSS | MB |",
    "|---|---:|",
    `| idle (started, bundled worker connected, 5 s settle) | ${fmt(rss.idle)} |`,
    `| after one ${n}-route upload | ${fmt(rss.afterUpload)} |`,
    `| after three more (each changes every route's timeout) | ${fmt(rss.afterUploads)} |`,
    `| after publishing it (the bundled worker applied it; its own RSS ${fmt(r.workerRssMb)} MB) | ${fmt(rss.afterPublish)} |`,
    `| … after a full GC (${v8(r.afterGc.published)}) | ${fmt(rss.afterPublishGc)} |`,
    `| after the browser runs below (and a fifth upload: the pending change) | ${fmt(rss.afterBrowser)} |`,
    `| … after a full GC (${v8(r.afterGc.browser)}) | ${fmt(rss.afterBrowserGc)} |`,
    "",
    `Each point after a 2 s settle; "after a full GC": HeapProfiler.collectGarbage through the console's inspector (opened by SIGUSR1). \`PUT /api/config\` of the whole table: ${r.uploadMs.map((m) => fmt(m / 1000, 1)).join(", ")} s.`,
    "",
    "| screen | runs ms | median ms | long tasks ms (longest), median run | API requests in the median run |",
    "|---|---|---:|---:|---|",
    run("/routes: navigation → first route rows", r.ui.firstRows),
    run(`filter \`${r.filterText}\`: last keystroke → matching rows`, r.ui.filter),
    run("Review & publish: click → the drawer's diff", r.ui.drawer),
    run('"Text diff": click → the unified text', r.ui.textDiff),
    "",
    "### Heap retainers after the uploads and the publish",
    "",
    `A heap snapshot of the console (\`--heapsnapshot-signal=SIGUSR2\`, written in ${fmt(r.heap.writeMs / 1000, 1)} s, ${mib(r.heap.fileBytes)} MiB, ${fmt(r.heap.nodes)} objects): ${mib(r.heap.totalBytes)} MiB live after its GC (JS objects and the ArrayBuffer memory they hold, WebAssembly memories included). Per constructor, as Chrome DevTools' Summary view counts it (retained size over the dominator tree, an instance inside another of its class not counted twice; classes overlap each other), with the retaining path of its largest instance (bench/lib/heap-retainers.ts). \`BENCH_HEAPSNAPSHOT_DIR=DIR\` keeps the snapshot for DevTools.`,
    "",
    "| constructor | objects | self MiB | retained MiB | largest instance: retained MiB, path from the GC roots |",
    "|---|---:|---:|---:|---|",
    ...r.heap.top.map((c) => `| ${cell(c.name)} | ${fmt(c.count)} | ${mib(c.selfBytes)} | ${mib(c.retainedBytes)} | ${mib(c.largest.retainedBytes)}: \`${cell(c.largest.path)}\` |`),
    "",
    `A second snapshot after the browser runs (and the fifth upload): ${mib(r.heapAfterBrowser.totalBytes)} MiB live (RSS ${fmt(rss.afterBrowser)} MB before its full GC, ${fmt(rss.afterBrowserGc)} MB after); its largest: ${r.heapAfterBrowser.top
      .slice(0, 5)
      .map((c) => `${cell(c.name)} ${mib(c.retainedBytes)} MiB`)
      .join(", ")}.`,
    "",
    `Scenario wall time ${fmt(r.seconds)} s. Load average (1 min) ${fmt(r.loadAvg[0], 1)} at the start, ${fmt(r.loadAvg[1], 1)} at the end.`,
    "",
  ];
  return lines;
}
