"use client";
// The fleet: one row per proxy worker with its labels, connection, the version it runs (and the canary it should),
// and the last version it rejected, whose whole reason opens under the row.
import { useMemo, useState, type ReactNode } from "react";
import type { NodeRow } from "@/components/queries/types";
import { DataTable, type Column, type QueryState } from "@/components/ui/data-table";
import { dateTime, timeAgo } from "@/components/ui/format";
import { StatusChip, type Tone } from "@/components/ui/status-chip";
import { Truncate } from "@/components/ui/truncate";

const TONE: Record<NodeRow["state"], Tone> = { applied: "green", pending: "amber", rejected: "red", unknown: "grey" };

interface Props {
  /** undefined while `query` loads */
  nodes: NodeRow[] | undefined;
  query: QueryState;
  empty: ReactNode;
  /** several console replicas share the fleet: each connection says which one holds it */
  showReplica?: boolean;
}

const idOf = (n: NodeRow) => n.id;
const versionLabel = (n: NodeRow) => (n.appliedVersionNumber !== null ? `v${n.appliedVersionNumber}` : n.appliedVersion ? n.appliedVersion.slice(0, 8) : "none");
const rejectedLabel = (n: NodeRow) => (n.rejectedVersionNumber !== null ? `v${n.rejectedVersionNumber}` : n.rejectedVersionId ? n.rejectedVersionId.slice(0, 8) : "a version");
const labelsText = (n: NodeRow) => Object.entries(n.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(" ");

export function NodeTable({ nodes, query, empty, showReplica = false }: Props) {
  const [open, setOpen] = useState<string | null>(null);
  const columns = useMemo<Column<NodeRow>[]>(
    () => [
      {
        key: "node",
        header: "Node",
        value: (n) => `${n.id} ${n.address ?? ""}`,
        cell: (n) => (
          <>
            <Truncate mono>{n.id}</Truncate>
            {n.address && <div className="small muted mono">{n.address}</div>}
          </>
        ),
      },
      {
        key: "labels",
        header: "Labels",
        value: labelsText,
        // --node-label pairs from the worker's hello; canary publishing selects nodes by them
        cell: (n) =>
          Object.keys(n.labels ?? {}).length ? (
            <div className="row wrap" data-testid="node-labels">
              {Object.entries(n.labels).map(([k, v]) => (
                <code key={k} className="small">
                  {k}={v}
                </code>
              ))}
            </div>
          ) : (
            <span className="muted" data-testid="node-labels">
              none
            </span>
          ),
      },
      {
        key: "connection",
        header: "Connection",
        value: (n) => (n.connected ? "connected" : "disconnected"),
        cell: (n) => (
          <>
            {n.connected ? (
              <StatusChip tone="green" title={n.connectedAt ? `since ${dateTime(n.connectedAt)}` : undefined}>
                connected{n.connectedAt ? ` · ${timeAgo(n.connectedAt)}` : ""}
              </StatusChip>
            ) : (
              <StatusChip tone="grey">disconnected</StatusChip>
            )}
            {showReplica && n.replica && (
              <div className="small muted mono" data-testid="node-replica" title="the console replica holding (or last holding) its session">
                {n.connected ? "via" : "last via"} {n.replica}
              </div>
            )}
          </>
        ),
      },
      {
        key: "version",
        header: "Applied version",
        value: (n) => `${versionLabel(n)} ${n.state}${n.canary ? " canary" : ""}`,
        cell: (n) => (
          <>
            <StatusChip tone={n.connected ? TONE[n.state] : "grey"} title={n.state}>
              {versionLabel(n)} · {n.state}
            </StatusChip>
            {/* a running canary targets this node: it should run the canary version, not the live one */}
            {n.canary && (
              <span className="chip amber" data-testid="canary-chip" title={`target: v${n.targetVersionNumber ?? "?"} (canary)`} style={{ marginLeft: 4 }}>
                canary{n.targetVersionNumber !== null ? ` v${n.targetVersionNumber}` : ""}
              </span>
            )}
          </>
        ),
      },
      {
        key: "error",
        header: "Last error",
        value: (n) => (n.lastError ? `rejected ${rejectedLabel(n)} ${n.lastError}` : ""),
        cell: (n) => {
          if (!n.lastError) return <span className="muted">none</span>;
          const expanded = open === n.id;
          return (
            <div className="row wrap">
              {/* the error belongs to the version the node refused, which need not be the live one */}
              <span className="small" data-testid="rejected-version">
                rejected {rejectedLabel(n)}
              </span>
              <button type="button" className="btn link small" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : n.id)}>
                {expanded ? "Hide" : "Show"} error {n.lastErrorAt ? `(${timeAgo(n.lastErrorAt)})` : ""}
              </button>
            </div>
          );
        },
      },
      { key: "seen", header: "Last seen", className: "small", value: (n) => Date.parse(n.lastSeen), sortable: true, cell: (n) => <span title={dateTime(n.lastSeen)}>{timeAgo(n.lastSeen)}</span> },
    ],
    [open, showReplica],
  );

  const detail = useMemo(
    () => ({
      isOpen: (n: NodeRow) => open === n.id && Boolean(n.lastError),
      render: (n: NodeRow) => (
        <pre className="diff" style={{ padding: 10, margin: 0, whiteSpace: "pre-wrap", color: "var(--red)" }}>
          {n.rejectedVersionNumber !== null ? `v${n.rejectedVersionNumber}: ` : ""}
          {n.lastError}
        </pre>
      ),
    }),
    [open],
  );

  return (
    <DataTable
      label="Nodes"
      what="nodes"
      columns={columns}
      rows={nodes}
      rowKey={idOf}
      rowTestId="node-row"
      query={query}
      empty={empty}
      filter={{ label: "Filter nodes", placeholder: "Filter by id, label, version…" }}
      detail={detail}
      onRowActivate={(n) => n.lastError && setOpen(open === n.id ? null : n.id)}
    />
  );
}
