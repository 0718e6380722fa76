import { withHandler, reply } from "@/lib/http";
import { PublishResult, VersionList, VersionListQuery } from "@/lib/contract/versions";
import { PublishGatedBody } from "@/lib/contract/route-tests";
import type { PublishOpts } from "@/lib/config/publish";
import { ifMatchOf } from "@/lib/config/draft-etag";
import { publishWithGuard } from "@/lib/guard/guard-service";
import { listVersionItems } from "@/lib/config/version-list";

/** Versions, newest first, each with `live` and how many connected nodes run it; `?limit=&before=` pages them. */
export const GET = withHandler({ query: VersionListQuery, response: VersionList }, async ({ query }) => listVersionItems(query));

/**
 * Publish the draft: it becomes the new live version and is pushed to every connected worker. 400 without a
 * message, 409 no_changes when the draft equals the live version, 409 conflict when If-Match is stale. With
 * `guard`, the console watches the new version and rolls back when its 5xx ratio goes over (lib/guard/). 409
 * route_tests_failed when the draft fails its route tests, unless `overrideRouteTests: {reason}` (audited).
 * With `canary` ({nodes} | {selector} | {percent}), the version goes to those nodes only (lib/rollout/); 409
 * canary_in_progress while a canary runs.
 */
export const POST = withHandler({ body: PublishGatedBody, response: PublishResult }, async ({ req, body, actor }) => {
  // publishWithGuard hands its options on to publish(), which reads the override
  const opts: PublishOpts = { ifMatch: ifMatchOf(req), overrideRouteTests: body.overrideRouteTests, canary: body.canary };
  const v = await publishWithGuard(body.message, body.guard, actor.name, opts);
  return reply(body.canary ? { ...v, canary: true } : v, 201);
});
