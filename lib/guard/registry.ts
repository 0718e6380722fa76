// The guard watcher, started by server.ts and reached from route handlers (lib/process-slot.ts says why a slot).
import { processSlot } from "../process-slot";
import type { GuardWatcher } from "./watcher";

const slot = processSlot<GuardWatcher>("signalbox.guard", "guard: the guard watcher is not running in this process");

export const setGuardWatcher = slot.set;
export const getGuardWatcher = slot.get;
export const requireGuardWatcher = slot.require;
