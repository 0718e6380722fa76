// The diff endpoints of a real console without the changes' sides (`?sides=0`) and with one change's sides
// (`?change=<id>`): the lean answer is the whole one minus before/after, a change's sides are the ones the whole
// answer carries, a change or version that is not there is a 404 naming it, a bad query a 400 naming the field.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, ConsoleProcess, errorBody, freePort, parsed, type ApiAnswer, startTestConsole } from "./harness";

const TOKEN = "diff-sides-token-" + Math.random().toString(36).slice(2);

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let listenerPort: number;

const route = (name: string, timeout: string) => ({ name, stat_prefix: name, match: { prefix: `/${name}` }, route: { cluster: "a", timeout } });
const config = (timeout: string, names = ["api", "web"]) => bootstrap([listener("main", listenerPort, names.map((n) => route(n, timeout)))], [cluster("a", [listenerPort + 1])]);

async function publish(message: string): Promise<{ id: string; number: number }> {
  const r = await call("POST", "/api/versions", { message });
  expect(r.status, r.text).toBe(201);
  return parsed(r, C.PublishResult);
}

/** The raw changes of an answer: what went over the wire, before any schema strips a key. */
const rawChanges = (r: ApiAnswer) => (r.json as { changes: Record<string, unknown>[] }).changes;
const withoutSides = (cs: C.ReadableChange[]) => cs.map(({ before: _b, after: _a, ...c }) => c);

beforeAll(async () => {
  listenerPort = await freePort();
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-diff-sides-", TOKEN));
  call = api(consoleProc.base, TOKEN);
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("diffs without sides, and one change's sides", () => {
  let va: { id: string; number: number };
  let draftFull: C.ConfigDiff;

  it("GET /api/draft/diff?sides=0 is the whole answer without before/after; ?change=<id> has the sides the whole one has", async () => {
    expect((await call("PUT", "/api/config", config("15s"))).status).toBe(200);
    va = await publish("sides: 15 s");
    expect((await call("PUT", "/api/config", config("5s", ["api", "web", "new"]))).status).toBe(200);

    const full = await call("GET", "/api/draft/diff");
    draftFull = parsed(full, C.ConfigDiff);
    expect(draftFull.changes.map((c) => c.summary)).toEqual([
      "route /api (api) on listener main/default changed: timeout 15s → 5s",
      "route /web (web) on listener main/default changed: timeout 15s → 5s",
      "route /new (new) on listener main/default added",
    ]);
    expect(draftFull.changes[0]).toMatchObject({ before: route("api", "15s"), after: route("api", "5s") });

    const lean = await call("GET", "/api/draft/diff?sides=0");
    expect(lean.status, lean.text).toBe(200);
    expect(rawChanges(lean).every((c) => !("before" in c) && !("after" in c))).toBe(true);
    expect(C.ConfigDiff.safeParse(lean.json).success).toBe(false);
    expect(parsed(lean, C.ConfigDiffSummary)).toEqual({ ...draftFull, changes: withoutSides(draftFull.changes) });
    expect(lean.text.length).toBeLessThan(full.text.length);
    expect(parsed(await call("GET", "/api/draft/diff?sides=1"), C.ConfigDiff)).toEqual(draftFull);

    for (const c of draftFull.changes) {
      const one = await call("GET", `/api/draft/diff?change=${encodeURIComponent(c.id)}`);
      expect(one.status, one.text).toBe(200);
      expect(parsed(one, C.DiffChange)).toEqual({ from: draftFull.from, to: draftFull.to, change: c });
    }
    // an added route: nothing before it
    expect(parsed(await call("GET", `/api/draft/diff?change=${encodeURIComponent(draftFull.changes[2].id)}`), C.DiffChange).change).toMatchObject({ before: null, after: route("new", "5s") });
  });

  it("a change not in the diff is a 404 naming it; a bad query a 400 naming the field", async () => {
    const missing = await call("GET", "/api/draft/diff?change=route%3Anope");
    expect(missing.status).toBe(404);
    expect(errorBody(missing).error.message).toBe(`change route:nope is not in the diff from v${va.number} (live) to draft`);

    const bad = async (q: string) => {
      const r = await call("GET", `/api/draft/diff?${q}`);
      expect(r.status, r.text).toBe(400);
      return errorBody(r).error.message;
    };
    expect(await bad("sides=2")).toMatch(/^invalid query: sides: sides is 0 /);
    expect(await bad("change=")).toMatch(/^invalid query: change: change names a change id of the diff/);
    expect(await bad("change=x&sides=0")).toMatch(/^invalid query: sides: \?sides applies to the whole diff/);
  });

  it("a draft edit is answered its own diff, never the one computed before it", async () => {
    expect((await call("PUT", "/api/config", config("7s", ["api", "web", "new"]))).status).toBe(200);
    const lean = parsed(await call("GET", "/api/draft/diff?sides=0"), C.ConfigDiffSummary);
    expect(lean.to.hash).not.toBe(draftFull.to.hash);
    expect(lean.changes[0].summary).toBe("route /api (api) on listener main/default changed: timeout 15s → 7s");
    const api0 = await call("GET", `/api/draft/diff?change=${encodeURIComponent(lean.changes[0].id)}`);
    expect(parsed(api0, C.DiffChange).change.after).toEqual(route("api", "7s"));
  });

  it("GET /api/versions/{id}/diff answers the same: ?sides=0, ?change=<id>, 404 and 400", async () => {
    const draft = parsed(await call("GET", "/api/draft/diff"), C.ConfigDiff);
    const vb = await publish("sides: 7 s");
    const base = `/api/versions/${vb.id}/diff?against=${va.id}`;
    const full = parsed(await call("GET", base), C.ConfigDiff);
    expect(full.changes).toEqual(draft.changes);
    const lean = await call("GET", `${base}&sides=0`);
    expect(rawChanges(lean).every((c) => !("before" in c) && !("after" in c))).toBe(true);
    expect(parsed(lean, C.ConfigDiffSummary)).toEqual({ ...full, changes: withoutSides(full.changes) });
    // ?to= from the other end: the same diff
    expect(parsed(await call("GET", `/api/versions/${va.id}/diff?to=${vb.id}&sides=0`), C.ConfigDiffSummary)).toEqual(parsed(lean, C.ConfigDiffSummary));
    for (const c of full.changes)
      expect(parsed(await call("GET", `${base}&change=${encodeURIComponent(c.id)}`), C.DiffChange)).toEqual({ from: full.from, to: full.to, change: c });

    const noChange = await call("GET", `${base}&change=nope`);
    expect(noChange.status).toBe(404);
    expect(errorBody(noChange).error.message).toBe(`change nope is not in the diff from v${va.number} to v${vb.number}`);
    const noVersion = await call("GET", `/api/versions/${vb.id}/diff?against=nope&sides=0`);
    expect(noVersion.status).toBe(404);
    expect(errorBody(noVersion).error.message).toBe("version nope not found");
    const badSides = await call("GET", `${base}&sides=no`);
    expect(badSides.status).toBe(400);
    expect(errorBody(badSides).error.message).toMatch(/^invalid query: sides: /);
    const neither = await call("GET", `/api/versions/${vb.id}/diff?change=x`);
    expect(neither.status).toBe(400);
    expect(errorBody(neither).error.message).toMatch(/against: exactly one of \?against=<version id> or \?to=<version id> is required/);
  });
});
