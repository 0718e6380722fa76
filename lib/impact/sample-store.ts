// The request heads the impact preview replays: workers send what each listener received since their previous
// `request_sample` message (at most every 10 s); the console keeps the latest 1,000 per node and listener, in
// memory only. The hub feeds it from server.ts's module graph and GET /api/draft/impact reads it inside Next's
// bundle, which has its own copy of every module: both reach the one store through a globalThis slot, as
// lib/telemetry/registry.ts does for the telemetry.
import type { RequestHead, RequestSampleMessage } from "../../proxy-core/src/config/index";

export const MAX_HEADS_PER_LISTENER = 1000;

/** One node's heads for one listener, oldest first. */
export interface SampleSet {
  node: string;
  listener: string;
  heads: RequestHead[];
  /**
   * Requests of this listener were left out (the worker's ring or this store overflowed): the heads are the
   * latest ones, not everything since sampling began, so a rate must be taken over their own time span.
   */
  truncated: boolean;
}

export class RequestSampleStore {
  readonly #sets = new Map<string, SampleSet>();

  constructor(readonly maxPerListener = MAX_HEADS_PER_LISTENER) {}

  add(node: string, msg: RequestSampleMessage) {
    for (const l of msg.listeners) {
      const key = `${node}\u0000${l.listener}`;
      let set = this.#sets.get(key);
      if (set === undefined) this.#sets.set(key, (set = { node, listener: l.listener, heads: [], truncated: false }));
      for (const h of l.heads) set.heads.push(h);
      if (l.overwritten > 0) set.truncated = true;
      const over = set.heads.length - this.maxPerListener;
      if (over > 0) {
        set.heads.splice(0, over);
        set.truncated = true;
      }
    }
  }

  sets(): SampleSet[] {
    return [...this.#sets.values()];
  }

  clear() {
    this.#sets.clear();
  }
}

const KEY = Symbol.for("signalbox.requestSamples");
type Slot = { [KEY]?: RequestSampleStore };

/** The process's store, made on first use. */
export function requestSampleStore(): RequestSampleStore {
  const g = globalThis as Slot;
  return (g[KEY] ??= new RequestSampleStore());
}
