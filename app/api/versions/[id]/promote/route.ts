import { withHandler } from "@/lib/http";
import { VersionSummary } from "@/lib/contract";
import { promoteCanary } from "@/lib/rollout/rollout-service";
import { environmentOfVersion } from "@/lib/environment/environment-access";

/** The running canary's version {id} goes live for every node (audited); 409 no_canary when it is not the running canary. */
export const POST = withHandler({ response: VersionSummary, environment: ({ params }) => environmentOfVersion(params.id) }, async ({ params, actor }) => promoteCanary(params.id, actor.name));
