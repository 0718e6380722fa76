import { withHandler } from "@/lib/http";
import { NodeList } from "@/lib/contract";
import { listNodeViews } from "@/lib/control-plane/nodes";

/** Proxy workers: [{id, connected, appliedVersion, appliedVersionNumber, lastError, lastErrorAt, connectedAt, lastSeen, address, state}]. */
export const GET = withHandler({ response: NodeList }, async () => listNodeViews());
