import { withHandler } from "@/lib/http";
import { VersionSummary } from "@/lib/contract";
import { abortCanary } from "@/lib/rollout/rollout-service";
import { environmentOfVersion } from "@/lib/environment/environment-access";

/** Ends the canary of version {id}: its nodes go back to the live version (audited); 409 no_canary when it is not running. */
export const POST = withHandler({ response: VersionSummary, environment: ({ params }) => environmentOfVersion(params.id) }, async ({ params, actor }) => abortCanary(params.id, actor.name));
