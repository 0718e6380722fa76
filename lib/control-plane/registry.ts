// The control-plane hub lives in server.ts's module graph; route handlers run inside Next's bundle, which
// has its own copies of every module. Both sides meet through this globalThis slot.
import type { Resources } from "../config/draft-mapper";

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

export interface ControlPlane {
  /** Push the live version to every connected worker (and record the publish or rollback). */
  pushLive(v: PublishedVersion): void;
  connectedNodes(): string[];
}

const KEY = Symbol.for("signalbox.controlPlane");
type Slot = { [KEY]?: ControlPlane | null };

export function setControlPlane(cp: ControlPlane | null): void {
  (globalThis as Slot)[KEY] = cp;
}

export function getControlPlane(): ControlPlane | null {
  return (globalThis as Slot)[KEY] ?? null;
}
