"use client";
// Header: the live version and how many connected nodes run it (green all, amber some pending,
// red when one rejected it, linking to the reason on the Nodes page). While the console's own worker is not
// serving (starting, restarting) the chip says so instead, in amber or red, also linking to the Nodes page:
// a count of connected nodes cannot show a worker that never connects.
import Link from "next/link";
import { workerTrouble } from "@/components/nodes/bundled-worker-state";
import { StatusChip, type Tone } from "@/components/ui/status-chip";
import type { BundledWorkerStatus, DraftStatus } from "@/components/queries/types";

export function nodesTone(n: DraftStatus["nodes"]): Tone {
  if (n.rejected > 0) return "red";
  if (n.connected === 0) return "grey";
  return n.applied >= n.connected ? "green" : "amber";
}

export function LiveStatus({ status, worker }: { status: DraftStatus; worker?: BundledWorkerStatus }) {
  const { live, nodes } = status;
  const trouble = workerTrouble(worker);
  const tone = trouble?.tone ?? nodesTone(nodes);
  const label =
    trouble?.label ??
    (nodes.connected === 0
      ? "no nodes connected"
      : `${nodes.applied}/${nodes.connected} nodes ${tone === "green" ? "✓" : tone === "red" ? `· ${nodes.rejected} rejected` : "pending"}`);
  const why = trouble ? `${worker?.lastError ? `Last error: ${worker.lastError.line}. ` : ""}See the Nodes page` : "See why on the Nodes page";
  return (
    <div className="hdr-live" aria-label="Live status">
      <span className="hdr-version" data-testid="live-version">
        {live ? `v${live.number} live` : "nothing published"}
      </span>
      {tone === "red" || trouble ? (
        <Link href="/nodes" title={why}>
          <StatusChip tone={tone}>{label}</StatusChip>
        </Link>
      ) : (
        <StatusChip tone={tone}>{label}</StatusChip>
      )}
    </div>
  );
}
