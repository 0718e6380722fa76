// Telemetry lives in server.ts's module graph (the hub feeds it) and is reached from route handlers
// (lib/process-slot.ts says why a slot).
import { processSlot } from "../process-slot";
import type { Telemetry } from "./telemetry";

const slot = processSlot<Telemetry>("signalbox.telemetry", "telemetry is not running in this process");

export const setTelemetry = slot.set;
export const getTelemetry = slot.get;
export const requireTelemetry = slot.require;
