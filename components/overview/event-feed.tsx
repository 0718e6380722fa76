"use client";
// What happened, newest first: publishes, NACKs, breaker trips, ejections, health flips (GET /api/events, with
// the live channel's events put on top as they arrive).
import { useEventsQuery } from "@/components/queries/use-events-query";
import { EventLine } from "@/components/telemetry/event-line";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";

const FILTER = { limit: 50 };

export function EventFeed({ live }: { live: boolean }) {
  const events = useEventsQuery(FILTER, { live });
  return (
    <section className="card" aria-label="Events">
      <h2>Events</h2>
      {events.isPending ? (
        <div className="stack" role="status" aria-label="Loading events">
          <Skeleton />
          <Skeleton width="80%" />
          <Skeleton width="60%" />
        </div>
      ) : events.isError ? (
        <ErrorState what="events" error={events.error} onRetry={() => events.refetch()} />
      ) : events.data.events.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          Nothing happened yet. Publishes, rejected configs, circuit-breaker trips, outlier ejections and health-check changes appear here as they happen.
        </p>
      ) : (
        <ol className="event-feed" aria-label="Events, newest first">
          {events.data.events.map((e) => (
            <EventLine key={e.id} e={e} />
          ))}
        </ol>
      )}
    </section>
  );
}
