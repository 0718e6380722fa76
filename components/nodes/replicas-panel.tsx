"use client";
// The console replicas sharing this fleet's database, shown only when there are several: which one answered,
// how many nodes each holds, and which stopped beating (its nodes count as disconnected until they reconnect
// to another replica).
import { useReplicasQuery } from "@/components/queries/use-replicas-query";
import { dateTime, timeAgo } from "@/components/ui/format";
import { StatusChip } from "@/components/ui/status-chip";

export function ReplicasPanel() {
  const replicas = useReplicasQuery();
  const list = replicas.data ?? [];
  if (list.length < 2) return null;
  return (
    <section className="card stack small" style={{ gap: 8 }} aria-label="Console replicas" data-testid="replicas">
      <strong>Console replicas</strong>
      {list.map((r) => (
        <div key={r.id} className="row wrap" data-testid="replica-row">
          <code>{r.id}</code>
          <StatusChip tone={r.alive ? "green" : "grey"} title={`last heartbeat ${dateTime(r.lastSeen)}`}>
            {r.alive ? "beating" : `silent ${timeAgo(r.lastSeen)}`}
          </StatusChip>
          {r.self && <span className="muted">(answered this page)</span>}
          <span>
            {r.nodes} {r.nodes === 1 ? "node" : "nodes"}
          </span>
          <span className="muted">
            {r.address} · pid {r.pid} · started <span title={dateTime(r.startedAt)}>{timeAgo(r.startedAt)}</span>
          </span>
        </div>
      ))}
    </section>
  );
}
