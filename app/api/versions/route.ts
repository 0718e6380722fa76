import { withHandler, reply } from "@/lib/http";
import { PublishBody, VersionList, VersionSummary } from "@/lib/contract";
import { ifMatchOf } from "@/lib/config/draft-etag";
import { publish } from "@/lib/config/publish";
import { listVersionItems } from "@/lib/config/version-list";

/** Versions, newest first, each with `live` and how many connected nodes run it. */
export const GET = withHandler({ response: VersionList }, async () => listVersionItems());

/**
 * Publish the draft: it becomes the new live version and is pushed to every connected worker. 400 without a
 * message, 409 no_changes when the draft equals the live version, 409 conflict when If-Match is stale.
 */
export const POST = withHandler({ body: PublishBody, response: VersionSummary }, async ({ req, body, actor }) =>
  reply(await publish(body.message, actor, { ifMatch: ifMatchOf(req) }), 201),
);
