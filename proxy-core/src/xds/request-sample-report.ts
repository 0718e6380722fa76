// The request heads of the impact preview (http/request-sample.ts) travel with the stats report, but at most every
// 10 s: the console replays them on demand, so they need to be recent, not live. Recording is on while an xDS
// client runs (XdsClient.start), as the access-log sample is: a worker without a console records nothing.
import type { RequestSampleMessage } from "../protocol";
import type { RequestSampler } from "../http/request-sample";

export const REQUEST_SAMPLE_EVERY_MS = 10_000;

export class RequestSampleReport {
  #lastSentAt = -Infinity;

  constructor(
    private readonly sampler: RequestSampler,
    private readonly everyMs = REQUEST_SAMPLE_EVERY_MS,
  ) {}

  /** Called with each stats report while connected: the heads new since the last message, when one is due. */
  next(now: number): RequestSampleMessage | null {
    if (now - this.#lastSentAt < this.everyMs) return null;
    const listeners = this.sampler.take();
    if (listeners === null) return null;
    this.#lastSentAt = now;
    return { type: "request_sample", listeners };
  }
}
