import { withHandler, reply } from "@/lib/http";
import { RollbackBody, VersionSummary } from "@/lib/contract";
import { rollback } from "@/lib/config/config-service";

/** New version with version {id}'s snapshot; it goes live and the draft is reset to it. */
export const POST = withHandler({ body: RollbackBody, response: VersionSummary }, async ({ params, body, actor }) => reply(await rollback(params.id, actor, body.message), 201));
