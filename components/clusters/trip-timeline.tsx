"use client";
// The trip timeline of one cluster: a lane per threshold with a bar per trip (open → close, refused count),
// outlier ejections and health flips as markers on the same axis, and the trips listed with exact figures.
import { useMemo, useState } from "react";
import type { Trip, Window } from "@/lib/contract/telemetry";
import { TimeLanes } from "@/components/charts/time-lanes";
import { clock, fmtDuration, timeTicks } from "@/components/charts/time-scale";
import { WINDOW_LABEL, WINDOW_MS, WINDOWS } from "@/components/queries/telemetry-params";
import { useEventsQuery } from "@/components/queries/use-events-query";
import { useTripsQuery } from "@/components/queries/use-trips-query";
import { DataTable, type Column } from "@/components/ui/data-table";
import { ErrorState } from "@/components/ui/error-state";
import { Segmented } from "@/components/ui/segmented";
import { Skeleton } from "@/components/ui/skeleton";
import { StatusChip } from "@/components/ui/status-chip";
import { tripLanes } from "./trip-lanes";

const WINDOW_OPTIONS = WINDOWS.map((w) => ({ value: w, label: WINDOW_LABEL[w] }));

const TRIP_COLUMNS: Column<Trip>[] = [
  { key: "threshold", header: "Threshold", cell: (t) => <code>{t.threshold}</code> },
  { key: "max", header: "Limit", num: true, cell: (t) => t.max },
  { key: "opened", header: "Tripped", cell: (t) => <span className="mono small">{clock(t.openedAt)}</span> },
  {
    key: "closed",
    header: "Closed",
    cell: (t) => (t.closedAt === null ? <StatusChip tone="red">open</StatusChip> : <span className="mono small">{clock(t.closedAt)}</span>),
  },
  { key: "duration", header: "Open for", num: true, cell: (t) => fmtDuration((t.closedAt ?? Date.now()) - t.openedAt) },
  { key: "refused", header: "Refused", num: true, cell: (t) => t.refused.toLocaleString() },
  { key: "node", header: "Node", cell: (t) => <span className="small">{t.node}</span> },
];

export function TripTimeline({ cluster }: { cluster: string }) {
  const [window, setWindow] = useState<Window>("1h");
  const trips = useTripsQuery(window, cluster);
  const events = useEventsQuery({ cluster, limit: 500 });
  // the axis ends now; it moves along each time the trips are refreshed (every 5 s); until the first answer,
  // it ends when the timeline opened (read once: a render reads no clock)
  const [openedAt] = useState(Date.now);
  const to = trips.dataUpdatedAt || openedAt;
  const from = to - WINDOW_MS[window];
  const lanes = useMemo(() => tripLanes(trips.data?.trips ?? [], events.data?.events ?? [], from, to), [trips.data, events.data, from, to]);
  const ticks = useMemo(() => timeTicks(from, to, 6).map((t) => ({ key: String(t.t), at: t.pct, text: clock(t.t, window !== "24h") })), [from, to, window]);

  return (
    <section className="card" aria-label="Trip timeline">
      <div className="row wrap" style={{ marginBottom: 10 }}>
        <h2 style={{ margin: 0 }}>Trip timeline</h2>
        <span className="small muted">a bar from the first refusal until the limit stayed below capacity</span>
        <span className="spacer" />
        <Segmented label="Window" options={WINDOW_OPTIONS} value={window} onChange={setWindow} />
      </div>
      {trips.isPending ? (
        <div role="status" aria-label="Loading trips">
          <Skeleton height={150} />
        </div>
      ) : trips.isError ? (
        <ErrorState what="circuit-breaker trips" error={trips.error} onRetry={() => trips.refetch()} />
      ) : (
        <>
          <TimeLanes label={`Circuit-breaker trips of ${cluster}, last ${WINDOW_LABEL[window]}`} lanes={lanes} ticks={ticks} labelWidth={150} />
          {events.isError && <p className="small muted">Ejections and health flips are not shown: the event list could not be loaded.</p>}
          <h3 style={{ marginTop: 14 }}>Trips</h3>
          <DataTable
            label={`Trips of ${cluster}`}
            columns={TRIP_COLUMNS}
            rows={trips.data.trips}
            rowKey={(t) => `${t.node}-${t.threshold}-${t.openedAt}`}
            rowTestId="trip-row"
            empty={`No circuit breaker of ${cluster} tripped in the last ${WINDOW_LABEL[window]}.`}
            pageSize={20}
          />
        </>
      )}
    </section>
  );
}
