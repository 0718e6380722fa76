"use client";
// Review & publish: the draft's route tests run against the draft under review before Publish. When one fails,
// publishing needs an override reason (sent as `overrideRouteTests`, audited as `version.publish.override`);
// the server runs the same gate on POST /api/versions, so this is what it will decide, shown in advance.
import { useState } from "react";
import { useRouteTestGateQuery } from "@/components/queries/use-route-tests";
import { errorMessage } from "@/components/queries/api-client";
import { Field } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { percentText } from "@/components/routes/route-tests-model";

/** The gate's state for the drawer: `ready()` before publishing (false, with the field's error, when a reason is missing), then `body()`. */
export function useRouteTestGate(revision: number) {
  const q = useRouteTestGateQuery(revision);
  const [reason, setReasonState] = useState("");
  const [error, setError] = useState<string>();
  const blocked = q.data !== undefined && !q.data.draft.passed;
  return {
    q,
    blocked,
    reason,
    error,
    setReason: (r: string) => {
      setReasonState(r);
      if (r.trim()) setError(undefined);
    },
    ready: () => {
      if (blocked && !reason.trim()) {
        setError("The route tests fail: give a reason to publish anyway, or fix the draft or its tests.");
        return false;
      }
      return true;
    },
    body: () => (blocked ? { overrideRouteTests: { reason: reason.trim() } } : {}),
  };
}

export type RouteTestGateState = ReturnType<typeof useRouteTestGate>;

export function RouteTestGate({ gate }: { gate: RouteTestGateState }) {
  const { q } = gate;
  if (q.isError) return <p className="muted small">The route tests could not be run here ({errorMessage(q.error)}); Publish still runs them.</p>;
  if (!q.data)
    return (
      <div role="status" aria-label="Running route tests">
        <Skeleton width="60%" />
      </div>
    );
  const d = q.data.draft;
  if (q.data.tests === 0 && d.error === null) return <p className="muted small">No route tests. Write them on the Routes page: every publish runs them.</p>;
  if (d.passed)
    return (
      <p role="status" style={{ margin: 0 }} data-testid="route-test-gate">
        <span className="chip green">pass</span> All {q.data.tests} route test{q.data.tests === 1 ? "" : "s"} pass against the draft
        {d.coverage && <span className="muted small"> · coverage {percentText(d.coverage.comprehensivePercent)}</span>}
      </p>
    );
  const failing = d.results.filter((t) => !t.passed);
  return (
    <div className="stack" data-testid="route-test-gate">
      <div className="alert" role="alert" style={{ flexDirection: "column", alignItems: "stretch" }}>
        <strong>{d.error ?? `${failing.length} of ${q.data.tests} route tests fail against the draft: Publish is blocked.`}</strong>
        {failing.length > 0 && (
          <ul className="small" style={{ margin: 0, paddingLeft: 18 }}>
            {failing.map((t, i) => (
              <li key={i}>
                <strong>{t.testName}</strong>
                <div className="mono">{t.failures.join("\n")}</div>
              </li>
            ))}
          </ul>
        )}
      </div>
      <Field label="Override reason" hint="Required to publish with failing route tests; recorded in the audit log with the failures." error={gate.error}>
        <input type="text" name="overrideReason" value={gate.reason} onChange={(e) => gate.setReason(e.target.value)} placeholder="e.g. The test is outdated: /v1 moved to cluster b on purpose" autoComplete="off" required />
      </Field>
    </div>
  );
}
