"use client";
// The console's own worker (node `local`) as its supervisor sees it: running, adopted from a previous console,
// or not serving (starting, restarting), with the last line its log reported as a failure. The Nodes table only
// knows connections; a worker that cannot start never connects, so it is told here.
import type { BundledWorkerStatus } from "@/components/queries/types";
import { useBundledWorkerQuery } from "@/components/queries/use-bundled-worker-query";
import { ErrorState } from "@/components/ui/error-state";
import { dateTime, timeAgo } from "@/components/ui/format";
import { Skeleton } from "@/components/ui/skeleton";
import { StatusChip } from "@/components/ui/status-chip";
import { WORKER_TONE, describeExit, secondsUntil, workerTrouble } from "./bundled-worker-state";

function TroubleBanner({ w }: { w: BundledWorkerStatus }) {
  const next = secondsUntil(w.nextAttemptAt);
  const portTaken = /EADDRINUSE/.test(w.lastError?.line ?? "");
  return (
    <div className={w.state === "starting" ? "alert warn" : "alert"} role="alert" data-testid="bundled-worker-alert">
      <div className="stack" style={{ gap: 4 }}>
        <strong>
          The console&apos;s own worker <code>{w.nodeId}</code> is {w.state}: it does not serve traffic right now.
        </strong>
        {w.lastError && (
          <span>
            Last error ({timeAgo(w.lastError.at)}): <code className="mono">{w.lastError.line}</code>
          </span>
        )}
        <span className="small muted">
          {w.restarts > 0 ? `Restarted ${w.restarts} ${w.restarts === 1 ? "time" : "times"}` : "Not restarted yet"}
          {next !== null ? `; next attempt in ${next} s` : ""}. Its output is in <code>{w.logFile}</code>.
          {portTaken && <> Another program holds that address: find it with <code>ss -ltnp</code>, stop it, or give the worker another one (<code>SIGNALBOX_WORKER_ADMIN</code>).</>}
        </span>
      </div>
    </div>
  );
}

function Summary({ w, inTrouble }: { w: BundledWorkerStatus; inTrouble: boolean }) {
  return (
    <section className="card stack small" style={{ gap: 8 }} aria-label="Bundled worker" data-testid="bundled-worker">
      <div className="row wrap">
        <strong>Bundled worker</strong>
        <StatusChip tone={WORKER_TONE[w.state]} title={w.since ? `since ${dateTime(w.since)}` : undefined}>
          {w.state}
        </StatusChip>
        {w.pid !== null && <span className="mono">pid {w.pid}</span>}
        {w.startedAt && w.pid !== null && <span title={dateTime(w.startedAt)}>started {timeAgo(w.startedAt)}</span>}
        {w.state === "adopted" && <span className="muted">(left running by a previous console)</span>}
        <span>
          {w.restarts} {w.restarts === 1 ? "restart" : "restarts"}
        </span>
        {w.lastExit && (
          <span className="muted" title={dateTime(w.lastExit.at)}>
            last exit: {describeExit(w.lastExit)}, {timeAgo(w.lastExit.at)}
          </span>
        )}
        <span className="spacer" />
        <span className="muted">
          admin <code>{w.adminAddress}</code> · log <code>{w.logFile}</code>
        </span>
      </div>
      {/* the banner shows it while the worker is down; afterwards it explains the last restart */}
      {w.lastError && !inTrouble && (
        <details>
          <summary>
            Last error <span title={dateTime(w.lastError.at)}>({timeAgo(w.lastError.at)})</span>
          </summary>
          <pre className="diff" style={{ padding: 10, whiteSpace: "pre-wrap", color: "var(--red)", marginTop: 6 }}>
            {w.lastError.line}
          </pre>
        </details>
      )}
    </section>
  );
}

export function BundledWorkerPanel() {
  const worker = useBundledWorkerQuery();
  if (worker.isPending) return <Skeleton width="50%" />;
  if (worker.isError) return <ErrorState what="the bundled worker's state" error={worker.error} onRetry={() => worker.refetch()} />;
  const w = worker.data;
  if (w.state === "off") return null;
  const inTrouble = workerTrouble(w) !== null;
  return (
    <div className="stack" style={{ marginBottom: 16 }}>
      {inTrouble && <TroubleBanner w={w} />}
      <Summary w={w} inTrouble={inTrouble} />
    </div>
  );
}
