"use client";
// Header: the live version and how many connected nodes run it (green all, amber some pending,
// red when one rejected it, linking to the reason on the Nodes page).
import Link from "next/link";
import { StatusChip, type Tone } from "@/components/ui/status-chip";
import type { DraftStatus } from "@/components/queries/types";

export function nodesTone(n: DraftStatus["nodes"]): Tone {
  if (n.rejected > 0) return "red";
  if (n.connected === 0) return "grey";
  return n.applied >= n.connected ? "green" : "amber";
}

export function LiveStatus({ status }: { status: DraftStatus }) {
  const { live, nodes } = status;
  const tone = nodesTone(nodes);
  const label =
    nodes.connected === 0
      ? "no nodes connected"
      : `${nodes.applied}/${nodes.connected} nodes ${tone === "green" ? "✓" : tone === "red" ? `· ${nodes.rejected} rejected` : "pending"}`;
  return (
    <div className="hdr-live" aria-label="Live status">
      <span className="hdr-version" data-testid="live-version">
        {live ? `v${live.number} live` : "nothing published"}
      </span>
      {tone === "red" ? (
        <Link href="/nodes" title="See why on the Nodes page">
          <StatusChip tone={tone}>{label}</StatusChip>
        </Link>
      ) : (
        <StatusChip tone={tone}>{label}</StatusChip>
      )}
    </div>
  );
}
