import { withHandler, reply } from "@/lib/http";
import { PromoteToEnvironmentBody, VersionSummary } from "@/lib/contract";
import { ifMatchOf } from "@/lib/config/draft-etag";
import { promoteToEnvironment } from "@/lib/environment/promote";

/**
 * Version `versionId` of another environment becomes environment {name}'s next version, live there, with its
 * origin recorded (promotedFromId). The target's draft is reset to it: 409 draft_dirty when it has unpublished
 * changes, unless {"discardDraft": true}; 409 no_changes when the target runs that config already. If-Match,
 * when sent, is checked against the target environment's draft revision. The target is the environment it changes
 * (an editor limited to other environments gets 403).
 */
export const POST = withHandler({ body: PromoteToEnvironmentBody, response: VersionSummary, environment: ({ params }) => params.name }, async ({ req, params, body, actor }) =>
  reply(await promoteToEnvironment(params.name, body.versionId, actor.name, { message: body.message, discardDraft: body.discardDraft, ifMatch: ifMatchOf(req) }), 201),
);
