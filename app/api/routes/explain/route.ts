import { withHandler } from "@/lib/http";
import { ExplainBody, ExplainResponse } from "@/lib/contract";
import { explainRequest } from "@/lib/routes/explain-service";

/** {method, host, path, headers, listener?, tls?, internal?, randomValue?} → {draft, live, liveVersion, listeners}: how each version routes it. */
export const POST = withHandler({ body: ExplainBody, response: ExplainResponse }, async ({ body }) => explainRequest(body));
