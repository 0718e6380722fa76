import { withHandler } from "@/lib/http";
import { TripList, TripsQuery } from "@/lib/contract";
import { requireTelemetry } from "@/lib/telemetry/registry";

/** Circuit-breaker trips overlapping the window (open and close events paired), newest first. */
export const GET = withHandler({ query: TripsQuery, response: TripList }, async ({ query }) => requireTelemetry().queries.trips(query));
