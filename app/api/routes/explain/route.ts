import { withHandler } from "@/lib/http";
import { ExplainBody, ExplainResponse } from "@/lib/contract";
import { explainRequest } from "@/lib/routes/explain-service";

/**
 * {method, host, path, headers, listener?, tls?, internal?, randomValue?} → {draft, live, liveVersion, listeners}: how
 * each version routes it. A POST for its body only: it reads the draft and the live version and writes nothing, so
 * a viewer may use it.
 */
export const POST = withHandler({ role: "viewer", body: ExplainBody, response: ExplainResponse }, async ({ body }) => explainRequest(body));
