import { withHandler } from "@/lib/http";
import { listNodeViews } from "@/lib/control-plane/nodes";

/** Proxy workers: [{id, connected, appliedVersion, appliedVersionNumber, lastError, lastSeen, address}]. */
export const GET = withHandler({}, async () => listNodeViews());
