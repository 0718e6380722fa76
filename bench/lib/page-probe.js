// In-page probe of the console scenario (bench/lib/console-ui.ts), injected before every document with
// page.addInitScript. It times what a user sees with the page's own clock (performance.now(), User Timing marks
// and measures, long tasks from a PerformanceObserver), not the test runner's wall clock:
//   start: the navigation (the document's timeOrigin), or the timeStamp of the triggering input event itself
//          (the last keydown in a field, the click on a button): when the input happened, not when a busy main
//          thread got round to it;
//   end:   the first frame painted after the DOM shows the awaited state (a MutationObserver checks the state on
//          every DOM change, then requestAnimationFrame and a message after it: the frame's paint is done).
// Route rows are found by role within the table named "Routes in match order" (rows holding at least two cells,
// or data-testid="route-row"), so a table that renders every row, a page of them, or only those in view all work.
// Plain JavaScript rather than TypeScript: the runner passes it to the browser as it is, untransformed.
(() => {
  if (window.__sbProbe) return;
  const ROUTES_TABLE = "Routes in match order";
  const CELLS = 'td, [role="cell"], [role="gridcell"]';
  const longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ start: e.startTime, end: e.startTime + e.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch {
    /* no Long Tasks API: the figures go without it */
  }
  // the live channel and pollers fill the default 250 entries quickly
  performance.setResourceTimingBufferSize(20000);

  const routeTables = () => [...document.querySelectorAll('table, [role="table"], [role="grid"]')].filter((t) => t.getAttribute("aria-label") === ROUTES_TABLE);

  const routeRows = () => {
    const rows = [];
    for (const t of routeTables())
      for (const r of t.querySelectorAll('tr, [role="row"]')) {
        if (r.closest('thead, [aria-hidden="true"]')) continue;
        if (r.getAttribute("data-testid") === "route-row" || r.querySelectorAll(CELLS).length >= 2) rows.push(r);
      }
    return rows.length ? rows : [...document.querySelectorAll('[data-testid="route-row"]')];
  };

  // Playwright's "visible": a non-empty box, not hidden by visibility or display
  const visible = (el) => {
    if (!el || !el.isConnected) return false;
    if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };

  const filterField = () => document.querySelector('input[aria-label="Filter routes"]');

  const labelled = (label) => [...document.querySelectorAll('[role="dialog"] [aria-label]')].find((el) => el.getAttribute("aria-label") === label);

  /** The states a measurement waits for. */
  const states = {
    "route-rows": () => routeRows().some((r) => visible(r) && r.textContent.trim() !== ""),
    "filtered-rows": (text) => {
      const field = filterField();
      if (!field || field.value !== text) return false;
      const rows = routeRows();
      const needle = text.toLowerCase();
      return rows.length > 0 && rows.every((r) => r.textContent.toLowerCase().includes(needle)) && rows.some(visible);
    },
    "dialog-region": (label) => {
      const el = labelled(label);
      return visible(el) && el.textContent.trim() !== "";
    },
  };

  const textOf = (el) => (el?.closest('button, label, [role="button"], [role="radio"]')?.textContent ?? "").trim();

  /** Where a measurement starts: the navigation, or the input event it names. */
  const startOf = (start) => {
    if (start.kind === "navigation") return { time: () => 0, stop() {} };
    let at = null;
    const type = start.kind === "key" ? "keydown" : "click";
    const on = (e) => {
      if (!e.isTrusted) return;
      const hit = start.kind === "key" ? e.target instanceof Element && e.target.matches(start.selector) : textOf(e.target) === start.text;
      // typing: the last key counts; clicking: the first click
      if (hit && (start.kind === "key" || at === null)) at = e.timeStamp;
    };
    document.addEventListener(type, on, { capture: true });
    return { time: () => at, stop: () => document.removeEventListener(type, on, { capture: true }) };
  };

  const pending = new Map();

  /** Arms measurement `name`: from `start` until `until.state` (with `until.arg`) holds and has been painted. */
  const arm = (name, start, until) => {
    const from = startOf(start);
    const holds = () => from.time() !== null && states[until.state](until.arg);
    pending.set(
      name,
      new Promise((resolve) => {
        let done = false;
        const finish = () => {
          const end = performance.now();
          const t0 = from.time();
          from.stop();
          performance.mark(`sb:${name}:start`, { startTime: t0 });
          performance.mark(`sb:${name}:end`, { startTime: end });
          const m = performance.measure(`sb:${name}`, `sb:${name}:start`, `sb:${name}:end`);
          const tasks = longTasks.filter((t) => t.end > t0 && t.start < end).map((t) => Math.min(t.end, end) - Math.max(t.start, t0));
          const api = performance
            .getEntriesByType("resource")
            .filter((e) => e.name.includes("/api/") && e.startTime >= t0 - 1 && e.startTime <= end)
            .map((e) => ({ path: new URL(e.name).pathname, ms: e.responseEnd - e.startTime, kB: e.encodedBodySize / 1024 }));
          resolve({ ms: m.duration, longTaskMs: tasks.reduce((a, b) => a + b, 0), longestTaskMs: Math.max(0, ...tasks), api });
        };
        const check = () => {
          if (done || !holds()) return;
          done = true;
          observer.disconnect();
          clearInterval(poll);
          requestAnimationFrame(() => {
            const ch = new MessageChannel();
            ch.port1.onmessage = finish;
            ch.port2.postMessage(null);
          });
        };
        const observer = new MutationObserver(check);
        observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
        // a state reached by layout alone (no DOM change) is caught within 50 ms
        const poll = setInterval(check, 50);
        check();
      }),
    );
  };

  /** What the page shows now, for a measurement that timed out. */
  const diagnose = () => {
    const rows = routeRows();
    return JSON.stringify({
      url: location.pathname + location.search,
      routeTables: routeTables().length,
      routeRows: rows.length,
      visibleRows: rows.filter(visible).length,
      filter: filterField()?.value ?? null,
      dialogs: [...document.querySelectorAll('[role="dialog"]')].map((d) => d.textContent.slice(0, 120)),
      longTasks: longTasks.length,
    });
  };

  window.__sbProbe = { arm, result: (name) => pending.get(name), diagnose };
  // the routes page's first rows, from the navigation on: armed before the page's own scripts run
  if (location.pathname === "/routes") arm("route-rows", { kind: "navigation" }, { state: "route-rows" });
})();
