import { withHandler } from "@/lib/http";
import { RouteTestRun, RunRouteTestsBody } from "@/lib/contract";
import { runDraftRouteTests } from "@/lib/config/route-tests-run";

/** Run the draft's route tests (or the body's `suite`) against the draft and the live version: per-test results and coverage. */
export const POST = withHandler({ body: RunRouteTestsBody, response: RouteTestRun }, async ({ body }) => runDraftRouteTests(body.suite));
