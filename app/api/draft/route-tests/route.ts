import { z } from "zod";
import { withHandler, json, readText } from "@/lib/http";
import { RouteTestSuite } from "@/lib/contract";
import { renderYaml } from "@/lib/config/config-format";
import { etagHeaders, ifMatchOf } from "@/lib/config/draft-etag";
import { EMPTY_SUITE, parseSuiteText, putRouteTests, readRouteTests } from "@/lib/config/route-tests";

const Query = z.object({ format: z.enum(["json", "yaml"]).optional() });

/** The suite as JSON (RouteTestSuite) or, with ?format=yaml or an Accept naming YAML, as YAML; ETag: the draft's revision. */
function render(suite: Record<string, unknown>, format: string | undefined, accept: string | null, revision: number): Response {
  if (format === "yaml" || (format === undefined && /\byaml\b/.test(accept ?? "")))
    return new Response(renderYaml(suite), { headers: { "content-type": "application/yaml; charset=utf-8", "cache-control": "no-store", ...etagHeaders(revision) } });
  return json(RouteTestSuite.parse(suite), 200, etagHeaders(revision));
}

/** The draft's route tests, Envoy's router_check_tool test file as imported (`{"tests": []}` when it has none). */
export const GET = withHandler({ query: Query }, async ({ query, req }) => {
  const { suite, revision } = await readRouteTests();
  return render(suite ?? EMPTY_SUITE, query.format, req.headers.get("accept"), revision);
});

/** Replace the draft's route tests (application/json or application/yaml; `{"tests": []}` removes them). 422 names each field; 409 on a stale If-Match. */
export const PUT = withHandler({ query: Query }, async ({ req, query, actor }) => {
  const ifMatch = ifMatchOf(req);
  const text = await readText(req);
  const { value, revision } = await putRouteTests(parseSuiteText(text, req.headers.get("content-type")), actor.name, { ifMatch });
  return render(value, query.format, req.headers.get("accept"), revision);
});
