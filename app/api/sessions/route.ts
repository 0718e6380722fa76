import { withHandler } from "@/lib/http";
import { SessionList } from "@/lib/contract";
import { mySessions } from "@/lib/accounts/sessions-service";

/** My sessions: [{id, createdAt, lastUsedAt, expiresAt, address, userAgent, current}], most recently used first. */
export const GET = withHandler({ response: SessionList }, async ({ actor }) => mySessions(actor));
