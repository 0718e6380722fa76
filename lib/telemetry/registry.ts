// Telemetry lives in server.ts's module graph (the hub feeds it); route handlers run inside Next's bundle,
// which has its own copies of every module. Both meet through this globalThis slot, as the control plane does.
import { ApiError } from "../errors";
import type { Telemetry } from "./telemetry";

const KEY = Symbol.for("signalbox.telemetry");
type Slot = { [KEY]?: Telemetry | null };

export function setTelemetry(t: Telemetry | null): void {
  (globalThis as Slot)[KEY] = t;
}

export function getTelemetry(): Telemetry | null {
  return (globalThis as Slot)[KEY] ?? null;
}

/** For route handlers: the running telemetry, or a 503 when the console runs without it (never in server.ts). */
export function requireTelemetry(): Telemetry {
  const t = getTelemetry();
  if (!t) throw new ApiError(503, "unavailable", "telemetry is not running in this process");
  return t;
}
