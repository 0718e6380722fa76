"use client";
// Circuit breakers of a cluster: each threshold with its value (or Envoy's default), what it means, and how
// much of it is in use now; then the trip timeline.
import type { DraftClusterRow } from "@/components/queries/types";
import { useClusterLiveQuery } from "@/components/queries/use-cluster-live-query";
import { DataTable, type Column } from "@/components/ui/data-table";
import { THRESHOLDS } from "./cluster-form-model";
import { usageBars, type UsageBar } from "./endpoint-health";
import { TripTimeline } from "./trip-timeline";

type Row = (typeof THRESHOLDS)[number] & { value: number | undefined; usage: UsageBar | undefined };

export function BreakersTab({ name, row }: { name: string; row: DraftClusterRow }) {
  const live = useClusterLiveQuery(name);
  const t = row.cluster.circuit_breakers?.thresholds?.find((x) => (x.priority ?? "DEFAULT") === "DEFAULT");
  const bars = live.data ? usageBars(live.data.usage) : [];
  const rows: Row[] = THRESHOLDS.map((th) => ({ ...th, value: t?.[th.key], usage: bars.find((b) => b.threshold === th.key) }));
  const columns: Column<Row>[] = [
    {
      key: "name",
      header: "Threshold",
      cell: (r) => (
        <>
          {r.label}
          <div className="envoy-name">{r.key}</div>
        </>
      ),
    },
    {
      key: "value",
      header: "Limit",
      num: true,
      cell: (r) => (r.value === undefined ? <span title="Not set: Envoy's default applies">{r.def} <span className="muted small">default</span></span> : <strong>{r.value}</strong>),
    },
    { key: "def", header: "Envoy default", num: true, cell: (r) => <span className="muted">{r.def}</span> },
    { key: "meaning", header: "Meaning", cell: (r) => <span className="small">{r.meaning}</span> },
    {
      key: "now",
      header: "In use now",
      num: true,
      title: "Summed over the nodes that report the cluster",
      cell: (r) =>
        r.usage ? (
          <span className={r.usage.tone === "green" ? undefined : `tone-${r.usage.tone}`}>
            {r.usage.now} / {r.usage.max}
          </span>
        ) : (
          <span className="muted">{live.isPending ? "…" : "—"}</span>
        ),
    },
  ];
  return (
    <div className="stack" style={{ gap: 16 }}>
      <section aria-label="Thresholds">
        <DataTable label={`Circuit-breaker thresholds of ${name}`} columns={columns} rows={rows} rowKey={(r) => r.key} />
        <p className="small muted">
          The limits hold per worker process (priority DEFAULT). Edit them on the Settings tab; they go live when you publish.
        </p>
      </section>
      <TripTimeline cluster={name} />
    </div>
  );
}
