import { withHandler } from "@/lib/http";
import { RevokedToken } from "@/lib/contract/tokens";
import { revokeToken } from "@/lib/tokens/token-service";

/** Revokes a token; a worker connected with it is disconnected at once. 404 when none is live with that id. */
export const DELETE = withHandler({ role: "admin", response: RevokedToken }, async ({ actor, params }) => revokeToken(params.id, actor));
