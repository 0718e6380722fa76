// The control-plane hub lives in server.ts's module graph; route handlers run inside Next's bundle, which
// has its own copies of every module. Both sides meet through this globalThis slot.
import type { Resources } from "../config/draft-mapper";
import type { CanaryRule } from "../rollout/target";

/** A version made live: what workers get, plus who made it and why (the event feed's publish/rollback). */
export interface PublishedVersion {
  id: string;
  number: number;
  snapshot: Resources;
  author?: string;
  message?: string;
  /** set for a rollback: the version it restores */
  rollbackOfId?: string | null;
}

/** A running canary: its version goes to the nodes the rule targets, the live version to every other node. */
export interface PublishedCanary {
  version: PublishedVersion;
  rule: CanaryRule;
}

export interface ControlPlane {
  /** Push the live version to every connected worker (and record the publish or rollback). */
  pushLive(v: PublishedVersion): void;
  connectedNodes(): string[];
  /** Start (or, with null, end) a canary: each connected node is sent the version it should now run. */
  setCanary?(c: PublishedCanary | null): void;
}

const KEY = Symbol.for("signalbox.controlPlane");
type Slot = { [KEY]?: ControlPlane | null };

export function setControlPlane(cp: ControlPlane | null): void {
  (globalThis as Slot)[KEY] = cp;
}

export function getControlPlane(): ControlPlane | null {
  return (globalThis as Slot)[KEY] ?? null;
}
