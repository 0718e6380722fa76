// Running the draft's route tests: against the draft and the live version (POST /api/draft/route-tests/run), and
// against the draft about to be published (the publish gate, publish.ts). The runner is proxy-core's
// runRouteTests (proxy-core/src/router-check/run.ts): the worker's own route table, with Envoy's router_check_tool
// checks, failure lines and coverage (coverage.cc; `--covall`'s figure and its list of routes no test reaches).
import { validateResources } from "../../proxy-core/src/config/index";
import { runRouteTests } from "../../proxy-core/src/router-check/run";
import { parseRouteTests, type RouteTestFile } from "../../proxy-core/src/router-check/schema";
import type { RouteTestReport, RouteTestResult, RouteTestRun } from "../contract/route-tests";
import { getDraftSuite } from "../repos/route-test-repo";
import { composeResources } from "./draft-mapper";
import { getDraftRows, getLiveVersion } from "./draft-read";
import { checkSuite } from "./route-tests";
import { currentEnvironment } from "../environment/scope";

const failed = (error: string): RouteTestReport => ({ target: null, passed: false, error, results: [], coverage: null });

/** The suite against one snapshot ({listeners, clusters}); a snapshot that does not validate or has no HTTP listener is said so. */
export function runAgainst(resources: unknown, tests: RouteTestFile, label: string): RouteTestReport {
  const v = validateResources(resources);
  if (!v.ok) {
    const first = v.errors[0];
    return failed(`${label} does not validate (${first ? `${first.path}: ${first.message}` : "?"}): its routes cannot be tested`);
  }
  try {
    const r = runRouteTests(v.value, tests);
    return {
      target: r.target,
      passed: r.passed,
      error: null,
      results: r.results.map((t) => ({ testName: t.testName, passed: t.passed, failures: [...t.failures] })),
      coverage: { percent: r.coverage.percent, comprehensivePercent: r.coverage.comprehensivePercent, entries: r.coverage.entries, missing: r.coverage.missing.map((m) => ({ ...m })) },
    };
  } catch (e) {
    return failed(`${label}: ${(e as Error).message}`);
  }
}

/** A stored suite's tests (null: none). A suite stored under an older schema that no longer parses runs as a failure. */
function storedTests(suite: unknown): { tests: RouteTestFile | null; error: string | null } {
  if (suite === null) return { tests: null, error: null };
  const r = parseRouteTests(suite);
  if (r.ok) return { tests: r.value, error: null };
  const first = r.errors[0];
  return { tests: null, error: `the stored route tests are not valid (${first ? `${first.path}: ${first.message}` : "?"}): fix them` };
}

/** POST /api/draft/route-tests/run: `suite` given runs it (422 when invalid), else the stored one. */
export async function runDraftRouteTests(suite: unknown | undefined): Promise<RouteTestRun> {
  const { tests, error } = suite !== undefined ? { tests: checkSuite(suite), error: null } : storedTests(await getDraftSuite(currentEnvironment()));
  const [rows, live] = await Promise.all([getDraftRows(), getLiveVersion()]);
  const liveVersion = live === null ? null : { id: live.id, number: live.number };
  if (tests === null) {
    const none = (): RouteTestReport => (error !== null ? failed(error) : { target: null, passed: true, error: null, results: [], coverage: null });
    return { tests: 0, draft: none(), live: live === null ? null : none(), liveVersion };
  }
  return {
    tests: tests.tests.length,
    draft: runAgainst(composeResources(rows), tests, "the draft"),
    live: live === null ? null : runAgainst(live.snapshot, tests, `version ${live.number}`),
    liveVersion,
  };
}

/** What the publish gate found: null when the draft has no tests or passes them all. */
export interface GateFailure {
  tests: number;
  failures: RouteTestResult[];
  runError: string | null;
}

/** The publish gate: the draft's stored suite against the resources about to be published. */
export function gateCheck(resources: unknown, suite: unknown | null): GateFailure | null {
  const { tests, error } = storedTests(suite);
  if (error !== null) return { tests: 0, failures: [], runError: error };
  if (tests === null) return null;
  const r = runAgainst(resources, tests, "the draft");
  if (r.passed) return null;
  return { tests: tests.tests.length, failures: r.results.filter((t) => !t.passed), runError: r.error };
}

/** "2 of 5 route tests fail against the draft: api goes to a: expected: [a], actual: [b], test type: cluster_name". */
export function describeGateFailure(g: GateFailure): string {
  if (g.runError !== null) return `the route tests cannot run against the draft: ${g.runError}`;
  const first = g.failures[0];
  const n = g.failures.length;
  return `${n} of ${g.tests} route test${g.tests === 1 ? "" : "s"} fail${n === 1 ? "s" : ""} against the draft${first ? `: ${first.testName}: ${first.failures[0] ?? ""}` : ""}`;
}
