import { withHandler } from "@/lib/http";
import { EventList, EventsQuery } from "@/lib/contract";
import { requireTelemetry } from "@/lib/telemetry/registry";

/** The event feed, newest first: worker events and publishes, rollbacks, NACKs, connects and disconnects. */
export const GET = withHandler({ query: EventsQuery, response: EventList }, async ({ query }) => requireTelemetry().queries.events(query));
