// The header's words for the live version. A version is called "live" only while some connected node runs
// it; until then it is "published", and the chip says how many run it ("v7 published · 0/2 nodes run it").
// During a canary every node is counted against its own version (the canary's for the nodes it targets,
// GET /api/draft/status `nodes`), so the canary nodes count as up to date, and a second chip follows the
// canary: "v42 live · 2/2 nodes ✓ · canary v43 on 1/1". Amber and red mean a node is behind or rejected
// its own version, never that a canary node runs the canary.
import type { DraftStatus } from "@/components/queries/types";
import type { Tone } from "@/components/ui/status-chip";

export function nodesTone(n: DraftStatus["nodes"]): Tone {
  if (n.rejected > 0) return "red";
  if (n.connected === 0) return "grey";
  return n.applied >= n.connected ? "green" : "amber";
}

type Canary = NonNullable<DraftStatus["canary"]>;

/** The canary's chip: how many of the connected nodes it targets run its version. */
export function canaryLabel(c: Canary): { text: string; tone: Tone } {
  const name = c.number !== null ? `v${c.number}` : "a version";
  if (c.targeted === 0) return { text: `canary ${name} on no connected node`, tone: "grey" };
  const text = `canary ${name} on ${c.applied}/${c.targeted}${c.rejected > 0 ? ` · ${c.rejected} rejected` : ""}`;
  return { text, tone: c.rejected > 0 ? "red" : c.applied >= c.targeted ? "green" : "amber" };
}

export interface LiveLabel {
  version: string;
  chip: string;
  tone: Tone;
  /** only while a canary runs */
  canary?: { text: string; tone: Tone };
}

export function liveLabel({ live, nodes: n, canary = null }: Pick<DraftStatus, "live" | "nodes"> & { canary?: DraftStatus["canary"] }): LiveLabel {
  const tone = nodesTone(n);
  // a canary starts only from a live version; the nodes it does not target keep running that version
  const runs = live !== null && (n.applied > 0 || canary !== null);
  const version = live === null ? "nothing published" : `v${live.number} ${runs ? "live" : "published"}`;
  const rejected = n.rejected > 0 ? ` · ${n.rejected} rejected` : "";
  let chip: string;
  if (n.connected === 0) chip = "no nodes connected";
  else if (live !== null && !runs) chip = `0/${n.connected} nodes run it${rejected}`;
  else if (n.applied >= n.connected) chip = `${n.applied}/${n.connected} nodes ✓`;
  else chip = `${n.applied}/${n.connected} nodes${rejected || " pending"}`;
  return canary ? { version, chip, tone, canary: canaryLabel(canary) } : { version, chip, tone };
}
