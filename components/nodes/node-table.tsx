"use client";
import { Fragment, useState } from "react";
import type { NodeRow } from "@/components/queries/types";
import { dateTime, timeAgo } from "@/components/ui/format";
import { StatusChip, type Tone } from "@/components/ui/status-chip";
import { DetailRow } from "@/components/ui/detail-row";

const TONE: Record<NodeRow["state"], Tone> = { applied: "green", pending: "amber", rejected: "red", unknown: "grey" };

export function NodeTable({ nodes }: { nodes: NodeRow[] }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Node</th>
            <th>Labels</th>
            <th>Connection</th>
            <th>Applied version</th>
            <th>Last error</th>
            <th>Last seen</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => {
            const num = n.appliedVersionNumber;
            const expanded = open === n.id;
            return (
              <Fragment key={n.id}>
                <tr data-testid="node-row">
                  <td>
                    <code>{n.id}</code>
                    {n.address && <div className="small muted mono">{n.address}</div>}
                  </td>
                  <td data-testid="node-labels">
                    {/* --node-label pairs from the worker's hello; canary publishing will select nodes by them */}
                    {Object.keys(n.labels ?? {}).length ? (
                      <div className="row wrap">
                        {Object.entries(n.labels).map(([k, v]) => (
                          <code key={k} className="small">
                            {k}={v}
                          </code>
                        ))}
                      </div>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  <td>
                    {n.connected ? (
                      <StatusChip tone="green" title={n.connectedAt ? `since ${dateTime(n.connectedAt)}` : undefined}>
                        connected{n.connectedAt ? ` · ${timeAgo(n.connectedAt)}` : ""}
                      </StatusChip>
                    ) : (
                      <StatusChip tone="grey">disconnected</StatusChip>
                    )}
                  </td>
                  <td>
                    <StatusChip tone={n.connected ? TONE[n.state] : "grey"} title={n.state}>
                      {num !== null ? `v${num}` : n.appliedVersion ? n.appliedVersion.slice(0, 8) : "none"} · {n.state}
                    </StatusChip>
                    {/* a running canary targets this node: it should run the canary version, not the live one */}
                    {n.canary && (
                      <span className="chip amber" data-testid="canary-chip" title={`target: v${n.targetVersionNumber ?? "?"} (canary)`} style={{ marginLeft: 4 }}>
                        canary{n.targetVersionNumber !== null ? ` v${n.targetVersionNumber}` : ""}
                      </span>
                    )}
                  </td>
                  <td>
                    {n.lastError ? (
                      <div className="row wrap">
                        {/* the error belongs to the version the node refused, which need not be the live one */}
                        <span className="small" data-testid="rejected-version">
                          rejected {n.rejectedVersionNumber !== null ? `v${n.rejectedVersionNumber}` : n.rejectedVersionId ? n.rejectedVersionId.slice(0, 8) : "a version"}
                        </span>
                        <button type="button" className="btn link small" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : n.id)}>
                          {expanded ? "Hide" : "Show"} error {n.lastErrorAt ? `(${timeAgo(n.lastErrorAt)})` : ""}
                        </button>
                      </div>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  <td className="small" title={dateTime(n.lastSeen)}>
                    {timeAgo(n.lastSeen)}
                  </td>
                </tr>
                {expanded && n.lastError && (
                  <DetailRow colSpan={6} error>
                    {n.rejectedVersionNumber !== null ? `v${n.rejectedVersionNumber}: ` : ""}
                    {n.lastError}
                  </DetailRow>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
