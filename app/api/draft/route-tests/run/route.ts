import { withHandler } from "@/lib/http";
import { RouteTestRun, RunRouteTestsBody } from "@/lib/contract";
import { runDraftRouteTests } from "@/lib/config/route-tests-run";

/**
 * Run the draft's route tests (or the body's `suite`) against the draft and the live version: per-test results and
 * coverage. Nothing is stored, neither the suite (saving it is PUT /api/draft/route-tests) nor the results, and
 * nothing is audited, so a viewer may run them.
 */
export const POST = withHandler({ role: "viewer", body: RunRouteTestsBody, response: RouteTestRun }, async ({ body }) => runDraftRouteTests(body.suite));
