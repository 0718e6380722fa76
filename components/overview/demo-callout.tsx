"use client";
// An Overview without traffic explains itself and offers demo traffic, when this console has the demo API
// (GET /api/demo answers): upstreams, routes and load started by the console, so every chart has something to show.
import { clock } from "@/components/charts/time-scale";
import { errorMessage } from "@/components/queries/api-client";
import { useDemoQuery, useStartDemoMutation, useStopDemoMutation } from "@/components/queries/use-demo";
import { useSeriesQuery } from "@/components/queries/use-series-query";
import { useReadOnly, useReadOnlyReason } from "@/components/queries/use-session";
import { useSummaryQuery } from "@/components/queries/use-summary-query";
import { noTraffic, seriesIsQuiet } from "@/components/telemetry/series-model";

export function DemoCallout({ live }: { live: boolean }) {
  const quiet = useSeriesQuery({ window: "5m" }, { live, select: seriesIsQuiet });
  const summary = useSummaryQuery({ window: "5m" });
  const demo = useDemoQuery();
  const start = useStartDemoMutation();
  const stop = useStopDemoMutation();
  const available = demo.isSuccess;
  // running the demo publishes routes: an editor's to do
  const readOnly = useReadOnly();
  const lockedReason = useReadOnlyReason();
  const running = demo.data?.running === true;

  if (running)
    return (
      <div className="alert info" role="status" data-testid="demo-running" style={{ marginBottom: 16 }}>
        <span>
          Demo traffic is running{demo.data?.target ? <> against <code>{demo.data.target}</code></> : null}
          {demo.data?.endsAt ? ` until ${clock(Date.parse(demo.data.endsAt), false)}` : ""} ·{" "}
          {demo.data?.requestsSent.toLocaleString("en-US")} requests sent so far.
        </span>
        <span className="spacer" />
        <button type="button" className="btn small" disabled={stop.isPending || readOnly} title={lockedReason} onClick={() => stop.mutate()}>
          {stop.isPending ? "Stopping…" : "Stop demo traffic"}
        </button>
      </div>
    );

  // without telemetry (not deployed yet) there is no telling whether traffic flows; the demo can still be offered
  const empty = noTraffic(quiet.data, summary.data) || (quiet.isError && available);
  if (!empty) return null;
  return (
    <div className="empty" style={{ marginBottom: 16 }} data-testid="no-traffic">
      <h2>No traffic yet</h2>
      <p>
        This page charts the requests that pass through your workers: rate by response class, errors, latency, breaker trips and the versions you
        publish. Point a client at a listener, or let the console generate some traffic.
      </p>
      {available ? (
        <>
          <button type="button" className="btn primary" disabled={start.isPending || readOnly} title={lockedReason} onClick={() => start.mutate()}>
            {start.isPending ? "Starting…" : "Start demo traffic"}
          </button>
          {start.isError && (
            <div className="alert" role="alert" style={{ marginTop: 10, justifyContent: "center" }}>
              {errorMessage(start.error)}
            </div>
          )}
        </>
      ) : (
        <p className="small muted">Demo traffic needs a console with the demo API (POST /api/demo).</p>
      )}
    </div>
  );
}
