"use client";
import type { Version } from "@/components/queries/types";
import { StatusChip } from "@/components/ui/status-chip";
import { dateTime, timeAgo } from "@/components/ui/format";

interface Props {
  versions: Version[];
  selected: string[];
  onToggle: (id: string) => void;
  onRollback: (v: Version) => void;
  /** copy the version into another environment */
  onPromote: (v: Version) => void;
}

export function VersionTimeline({ versions, selected, onToggle, onRollback, onPromote }: Props) {
  const byId = new Map(versions.map((v) => [v.id, v]));
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th style={{ width: 40 }}>
              <span className="sr-only">Compare</span>
            </th>
            <th>Version</th>
            <th>Message</th>
            <th>Author</th>
            <th>Published</th>
            <th className="num">Nodes</th>
            <th className="actions">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => {
            const rollbackOf = v.rollbackOfId ? byId.get(v.rollbackOfId) : undefined;
            return (
              <tr key={v.id} data-testid="version-row">
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select v${v.number} to compare`}
                    checked={selected.includes(v.id)}
                    onChange={() => onToggle(v.id)}
                  />
                </td>
                <td>
                  <div className="row">
                    <strong>v{v.number}</strong>
                    {v.live && <StatusChip tone="green">live</StatusChip>}
                    {v.rollbackOfId && <span className="badge">rollback of {rollbackOf ? `v${rollbackOf.number}` : "older version"}</span>}
                    {v.promotedFrom && (
                      <span className="badge">
                        promoted from {v.promotedFrom.environment} v{v.promotedFrom.number}
                      </span>
                    )}
                  </div>
                </td>
                <td>{v.message || <span className="muted">—</span>}</td>
                <td className="small">{v.author}</td>
                <td className="small" title={dateTime(v.createdAt)}>
                  {timeAgo(v.createdAt)}
                </td>
                <td className="num">{v.nodes || <span className="muted">0</span>}</td>
                <td className="actions">
                  <div className="row" style={{ justifyContent: "flex-end" }}>
                    <a
                      className="btn small"
                      href={`/api/versions/${encodeURIComponent(v.id)}/bootstrap?format=yaml`}
                      download={`signalbox-v${v.number}.yaml`}
                      aria-label={`Export v${v.number} as Envoy YAML`}
                    >
                      Export as Envoy YAML
                    </a>
                    <button type="button" className="btn small" onClick={() => onPromote(v)} aria-label={`Promote v${v.number} to another environment`}>
                      Promote…
                    </button>
                    {!v.live && (
                      <button type="button" className="btn small" onClick={() => onRollback(v)} aria-label={`Roll back to v${v.number}`}>
                        Roll back to this version
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
