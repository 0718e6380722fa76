// The header's words for the live version. A version is called "live" only while some connected node runs
// it; until then it is "published", and the chip says how many run it ("v7 published · 0/2 nodes run it").
import type { DraftStatus } from "@/components/queries/types";
import type { Tone } from "@/components/ui/status-chip";

export function nodesTone(n: DraftStatus["nodes"]): Tone {
  if (n.rejected > 0) return "red";
  if (n.connected === 0) return "grey";
  return n.applied >= n.connected ? "green" : "amber";
}

export function liveLabel({ live, nodes: n }: Pick<DraftStatus, "live" | "nodes">): { version: string; chip: string; tone: Tone } {
  const tone = nodesTone(n);
  const runs = live !== null && n.applied > 0;
  const version = live === null ? "nothing published" : `v${live.number} ${runs ? "live" : "published"}`;
  const rejected = n.rejected > 0 ? ` · ${n.rejected} rejected` : "";
  let chip: string;
  if (n.connected === 0) chip = "no nodes connected";
  else if (live !== null && n.applied === 0) chip = `0/${n.connected} nodes run it${rejected}`;
  else if (n.applied >= n.connected) chip = `${n.applied}/${n.connected} nodes ✓`;
  else chip = `${n.applied}/${n.connected} nodes${rejected || " pending"}`;
  return { version, chip, tone };
}
