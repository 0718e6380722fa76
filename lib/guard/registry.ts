// The guard watcher lives in server.ts's module graph; route handlers run inside Next's bundle, which has its
// own copies of every module. Both sides meet through this globalThis slot, as the control plane does.
import { ApiError } from "../errors";
import type { GuardWatcher } from "./watcher";

const KEY = Symbol.for("signalbox.guard");
type Slot = { [KEY]?: GuardWatcher | null };

export function setGuardWatcher(w: GuardWatcher | null): void {
  (globalThis as Slot)[KEY] = w;
}

export function getGuardWatcher(): GuardWatcher | null {
  return (globalThis as Slot)[KEY] ?? null;
}

/** For route handlers: the running watcher, or a 503 when this process runs none (never under server.ts). */
export function requireGuardWatcher(): GuardWatcher {
  const w = getGuardWatcher();
  if (!w) throw new ApiError(503, "unavailable", "guard: the guard watcher is not running in this process");
  return w;
}
