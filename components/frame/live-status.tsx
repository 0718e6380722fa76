"use client";
// Header: the live version and how many connected nodes run it (green all, amber some pending, red when one
// rejected it, linking to the reason on the Nodes page); "published", not "live", while no node runs it
// (live-label.ts). While the console's own worker is not serving (starting, restarting) the chip says so
// instead, in amber or red, also linking to the Nodes page: a count of connected nodes cannot show a worker
// that never connects. While a canary runs, a second chip follows it ("canary v43 on 1/1"), linking to the
// Nodes page where it is promoted or aborted.
import Link from "next/link";
import { workerTrouble } from "@/components/nodes/bundled-worker-state";
import { StatusChip } from "@/components/ui/status-chip";
import type { BundledWorkerStatus, DraftStatus } from "@/components/queries/types";
import { liveLabel } from "./live-label";

export function LiveStatus({ status, worker }: { status: DraftStatus; worker?: BundledWorkerStatus }) {
  const trouble = workerTrouble(worker);
  const words = liveLabel(status);
  const tone = trouble?.tone ?? words.tone;
  const label = trouble?.label ?? words.chip;
  const why = trouble ? `${worker?.lastError ? `Last error: ${worker.lastError.line}. ` : ""}See the Nodes page` : "See why on the Nodes page";
  return (
    <div className="hdr-live" aria-label="Live status">
      <span className="hdr-version" data-testid="live-version">
        {words.version}
      </span>
      <span className="muted" aria-hidden="true">
        ·
      </span>
      {tone === "red" || trouble ? (
        <Link href="/nodes" title={why}>
          <StatusChip tone={tone}>{label}</StatusChip>
        </Link>
      ) : (
        <StatusChip tone={tone}>{label}</StatusChip>
      )}
      {words.canary && (
        <>
          <span className="muted" aria-hidden="true">
            ·
          </span>
          <Link href="/nodes" title="Promote or abort it on the Nodes page" data-testid="canary-status">
            <StatusChip tone={words.canary.tone}>{words.canary.text}</StatusChip>
          </Link>
        </>
      )}
    </div>
  );
}
