// Tells the control plane that a version went live, so it pushes it to every connected worker.
import { getControlPlane } from "../control-plane/registry";
import type { Version } from "../repos/version-repo";

export function notifyLive(v: Version): void {
  try {
    getControlPlane()?.pushLive({ id: v.id, environment: v.environment, number: v.number, snapshot: v.snapshot, author: v.author, message: v.message, rollbackOfId: v.rollbackOfId });
  } catch (e) {
    console.error("[config] pushing the live version failed:", e);
  }
}
