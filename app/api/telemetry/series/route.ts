import { withHandler } from "@/lib/http";
import { ScopeQuery, Series } from "@/lib/contract";
import { requireTelemetry } from "@/lib/telemetry/registry";

/** Requests/s by class, latency percentiles, connections and overflows: 1 s steps (5m), 10 s (1h), 1 min (24h). */
export const GET = withHandler({ query: ScopeQuery, response: Series }, async ({ query }) => requireTelemetry().queries.series(query));
