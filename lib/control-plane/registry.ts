// The control-plane hub lives in server.ts's module graph; route handlers run inside Next's bundle, which
// has its own copies of every module. Both sides meet through this globalThis slot.
import type { Resources } from "../config/draft-mapper";
import type { TraceView } from "./trace-store";

export interface LivePoint { t: number; rps: number; rq2xx: number; rq4xx: number; rq5xx: number }
export interface HubEvent { ts: number; node: string; kind: string; cluster?: string; details: Record<string, unknown> }

export interface ControlPlane {
  /** Push the live version to every connected worker. */
  pushLive(v: { id: string; number: number; snapshot: Resources }): void;
  /** One point per second for the last `seconds` seconds (zeros where the worker sent nothing). */
  liveStats(nodeId: string, seconds?: number): LivePoint[];
  recentEvents(limit?: number): HubEvent[];
  /** The workers' recent traces (last 5,000 spans), newest first. */
  traces(limit?: number): TraceView[];
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
