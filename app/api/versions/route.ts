import { withHandler, reply } from "@/lib/http";
import { PublishBody, VersionList, VersionSummary } from "@/lib/contract";
import { publish } from "@/lib/config/config-service";
import { listVersionItems } from "@/lib/config/version-list";

/** Versions, newest first, each with `live` and how many connected nodes run it. */
export const GET = withHandler({ response: VersionList }, async () => listVersionItems());

/** Publish the draft: it becomes the new live version and is pushed to every connected worker. */
export const POST = withHandler({ body: PublishBody, response: VersionSummary }, async ({ body, actor }) => reply(await publish(body.message, actor), 201));
