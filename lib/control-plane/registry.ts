// The control-plane hub lives in server.ts's module graph; route handlers run inside Next's bundle, which
// has its own copies of every module. Both sides meet through this globalThis slot.
import type { Resources } from "../config/draft-mapper";
import type { CanaryRule } from "../rollout/target";

/** A version made live: what workers get, plus who made it and why (the event feed's publish/rollback). */
export interface PublishedVersion {
  id: string;
  /** the environment whose nodes get it (absent: "default") */
  environment?: string;
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
  /** Push a live version to its environment's connected workers (and record the publish or rollback). */
  pushLive(v: PublishedVersion): void;
  /** the connected nodes, of environment `env` when given */
  connectedNodes(env?: string): string[];
  /** Start (or, with null, end) environment `env`'s canary: each of its connected nodes is sent the version it should now run. */
  setCanary?(env: string, c: PublishedCanary | null): void;
  /** Close the sessions of the workers connected with worker token `tokenId` (it was revoked); answers how many. */
  closeTokenSessions?(tokenId: string, reason: string): number;
  /** A TLS secret was created, rotated or deleted: the workers whose versions reference it get the new set. */
  secretsChanged?(): void;
}

const KEY = Symbol.for("signalbox.controlPlane");
type Slot = { [KEY]?: ControlPlane | null };

export function setControlPlane(cp: ControlPlane | null): void {
  (globalThis as Slot)[KEY] = cp;
}

export function getControlPlane(): ControlPlane | null {
  return (globalThis as Slot)[KEY] ?? null;
}
