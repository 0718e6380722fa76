import { withHandler, reply } from "@/lib/http";
import { ApiTokenList, CreatedToken, CreateTokenBody } from "@/lib/contract/tokens";
import { createToken, listTokens } from "@/lib/tokens/token-service";

/** The tokens not revoked, newest first, without their secrets. */
export const GET = withHandler({ role: "admin", response: ApiTokenList }, async () => listTokens());

/** Creates an api or worker token: 201 {token, secret}; the secret is in this answer only. */
export const POST = withHandler({ role: "admin", body: CreateTokenBody, response: CreatedToken }, async ({ body, actor }) => reply(await createToken(body, actor), 201));
