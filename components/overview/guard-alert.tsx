"use client";
// The guard's rollbacks, loudly: a red banner with the reason on the Overview, a red chip in the header, both
// until someone acknowledges them (POST /api/guards/{id}/ack).
import Link from "next/link";
import { errorMessage } from "@/components/queries/api-client";
import { useAcknowledgeGuardMutation, useUnacknowledgedGuardsQuery } from "@/components/queries/use-guards-query";
import { useReadOnly } from "@/components/queries/use-session";

export function GuardAlert({ compact = false }: { compact?: boolean }) {
  const guards = useUnacknowledgedGuardsQuery();
  const ack = useAcknowledgeGuardMutation();
  // acknowledging is a write: a viewer reads the banner until an editor acknowledges it
  const readOnly = useReadOnly();
  const runs = guards.data?.guards ?? [];
  if (runs.length === 0) return null;
  if (compact)
    return (
      <Link href="/" className="chip red" role="alert" data-testid="guard-chip" title={runs[0].reason ?? undefined}>
        guard rolled back {runs[0].versionNumber !== null ? `v${runs[0].versionNumber}` : "a version"}
        {runs.length > 1 ? ` (+${runs.length - 1})` : ""}
      </Link>
    );
  return (
    <div className="stack" style={{ marginBottom: 16 }}>
      {runs.map((g) => (
        <div key={g.id} className="alert" role="alert" data-testid="guard-alert">
          <div style={{ flex: 1 }}>
            <strong>
              The guard rolled back {g.versionNumber !== null ? `v${g.versionNumber}` : "a version"} to {g.previousVersionNumber !== null ? `v${g.previousVersionNumber}` : "the previous version"}.
            </strong>
            <div className="small">{g.reason}</div>
            {ack.isError && <div className="small">Acknowledging failed: {errorMessage(ack.error)}</div>}
          </div>
          {!readOnly && (
            <button type="button" className="btn small" onClick={() => ack.mutate(g.id)} disabled={ack.isPending}>
              Acknowledge
            </button>
          )}
        </div>
      ))}
    </div>
  );
}
