// The last five minutes in memory, one frame per node and second: the 5m window, the live channel's ticks, and
// the recent part of the 1h/24h windows that is not in SQLite yet. A fixed ring per node: no allocation per
// second beyond the frame itself, nothing to prune.
import { mergeInto, type Frame } from "./frame";
import type { TimedFrame } from "./aggregate";

export const WINDOW_SECONDS = 300;

interface Slot {
  sec: number;
  frame: Frame;
}

export class LiveWindow {
  readonly #rings = new Map<string, (Slot | undefined)[]>();

  /** Adds a node's frame to second `sec` (epoch seconds); two reports in one second add up. */
  add(node: string, sec: number, frame: Frame) {
    let ring = this.#rings.get(node);
    if (!ring) this.#rings.set(node, (ring = new Array(WINDOW_SECONDS)));
    const i = sec % WINDOW_SECONDS;
    const slot = ring[i];
    if (slot !== undefined && slot.sec === sec) mergeInto(slot.frame, frame);
    else ring[i] = { sec, frame };
  }

  nodes(): string[] {
    return [...this.#rings.keys()];
  }

  /** A node's frame of one second, if it reported in it. */
  get(node: string, sec: number): Frame | undefined {
    const slot = this.#rings.get(node)?.[sec % WINDOW_SECONDS];
    return slot !== undefined && slot.sec === sec ? slot.frame : undefined;
  }

  /** Frames with `from <= t < to` (epoch ms), in ascending time; one node or all. */
  *frames(from: number, to: number, node?: string): Generator<TimedFrame> {
    const first = Math.ceil(from / 1000);
    const last = Math.ceil(to / 1000) - 1;
    const rings = node === undefined ? [...this.#rings.entries()] : this.#rings.has(node) ? [[node, this.#rings.get(node)!] as const] : [];
    for (let sec = Math.max(first, last - WINDOW_SECONDS + 1); sec <= last; sec++) {
      const i = sec % WINDOW_SECONDS;
      for (const [n, ring] of rings) {
        const slot = ring[i];
        if (slot !== undefined && slot.sec === sec) yield { t: sec * 1000, node: n, frame: slot.frame };
      }
    }
  }

  /** Forgets a node whose last report left the window (a node that stopped reporting). */
  forgetIdle(nowSec: number) {
    for (const [node, ring] of this.#rings) {
      if (!ring.some((s) => s !== undefined && s.sec > nowSec - WINDOW_SECONDS)) this.#rings.delete(node);
    }
  }
}
