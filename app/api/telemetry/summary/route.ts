import { withHandler } from "@/lib/http";
import { ScopeQuery, TrafficSummary } from "@/lib/contract";
import { requireTelemetry } from "@/lib/telemetry/registry";

/** Fleet (or node) figures and per route / per cluster figures over the window, busiest first. */
export const GET = withHandler({ query: ScopeQuery, response: TrafficSummary }, async ({ query }) => requireTelemetry().queries.summary(query));
