import type { LiveState } from "@/components/queries/use-live-ticks";
import { StatusChip } from "@/components/ui/status-chip";

/** Whether the page moves with the live channel, or polls because the channel is not there. */
export function LiveIndicator({ state }: { state: LiveState }) {
  if (state === "open") return <StatusChip tone="green" title="Updates every second over the live channel (GET /api/live)">live</StatusChip>;
  if (state === "connecting") return <StatusChip tone="grey">connecting…</StatusChip>;
  return (
    <StatusChip tone="amber" title="The live channel (GET /api/live) is not available; figures are polled every few seconds">
      polling
    </StatusChip>
  );
}
