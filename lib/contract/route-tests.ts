// Route tests stored with the config (GET/PUT /api/draft/route-tests, POST /api/draft/route-tests/run) and the
// publish gate they make (POST /api/versions refuses a draft that fails them). The suite is Envoy's route table
// check tool test file (router_check_tool; Envoy docs "Route table check tool") unchanged: its fields are checked
// by proxy-core's RouteTestFile (proxy-core/src/router-check/schema.ts) on write, so here it is only `{tests}`.
import { z } from "zod";
import { ErrorBody } from "./common";
import { PublishBody } from "./versions";

/** The draft's suite as imported, unknown fields kept; `{"tests": []}` when it has none. */
export const RouteTestSuite = z.looseObject({ tests: z.array(z.record(z.string(), z.unknown())) });
export type RouteTestSuite = z.infer<typeof RouteTestSuite>;

/** POST /api/draft/route-tests/run: `suite` runs that suite (e.g. an editor's unsaved text) instead of the stored one. */
export const RunRouteTestsBody = z.object({ suite: z.unknown().optional() });
export type RunRouteTestsBody = z.infer<typeof RunRouteTestsBody>;

/** One test's outcome: Envoy's failure lines (`expected: [a], actual: [b], test type: cluster_name`), in check order. */
export const RouteTestResult = z.object({ testName: z.string(), passed: z.boolean(), failures: z.array(z.string()) });
export type RouteTestResult = z.infer<typeof RouteTestResult>;

/** A route no passing check reached (`--covall`'s "Missing test for host: …, route: …"). */
export const UncoveredRoute = z.object({
  virtualHost: z.string(),
  /** the route's position in its virtual host */
  index: z.number().int().nonnegative(),
  name: z.string().nullable(),
  /** the route's match in protobuf text format, as Envoy prints it (`prefix: "/"`) */
  match: z.string(),
});
export type UncoveredRoute = z.infer<typeof UncoveredRoute>;

export const RouteTestCoverage = z.object({
  /** Envoy's default figure: the share of routes (a weighted cluster counting once per cluster) some passing check reached */
  percent: z.number(),
  /** `--covall`'s figure: the share of checkable fields checked */
  comprehensivePercent: z.number(),
  entries: z.number().int().nonnegative(),
  missing: z.array(UncoveredRoute),
});
export type RouteTestCoverage = z.infer<typeof RouteTestCoverage>;

/** The suite run against one config. `error`: it could not run (no HTTP listener, an invalid config): nothing passed. */
export const RouteTestReport = z.object({
  /** which route configuration ran (`listener edge`) */
  target: z.string().nullable(),
  passed: z.boolean(),
  error: z.string().nullable(),
  results: z.array(RouteTestResult),
  coverage: RouteTestCoverage.nullable(),
});
export type RouteTestReport = z.infer<typeof RouteTestReport>;

/** POST /api/draft/route-tests/run: the suite against the draft and against the live version (null before the first publish). */
export const RouteTestRun = z.object({
  tests: z.number().int().nonnegative(),
  draft: RouteTestReport,
  live: RouteTestReport.nullable(),
  liveVersion: z.object({ id: z.string(), number: z.number().int() }).nullable(),
});
export type RouteTestRun = z.infer<typeof RouteTestRun>;

/** POST /api/versions: `overrideRouteTests` publishes a draft that fails its route tests; the reason is audited. */
export const PublishGatedBody = PublishBody.extend({
  overrideRouteTests: z.object({ reason: z.string().max(2000) }).optional(),
});
export type PublishGatedBody = z.input<typeof PublishGatedBody>;

/** 409 route_tests_failed: the draft fails its route tests; `failures` are the failing tests only. */
export const RouteTestsFailed = ErrorBody.extend({
  tests: z.number().int().nonnegative(),
  failures: z.array(RouteTestResult),
  /** why the suite could not run at all, else null */
  runError: z.string().nullable(),
});
export type RouteTestsFailed = z.infer<typeof RouteTestsFailed>;
