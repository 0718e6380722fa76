// What the worker logs about its console connection (xds/client.ts): which replica it connected to, and why it
// left one for the next. The first failure after a working connection (or at start) is a warning; its repeats
// while the worker keeps dialling a console that is gone (every 5 s) are debug, so they do not fill the log. A
// refusal (a missing, revoked or expired --token) is a warning once per reason, even after other failures.
import type { Log } from "../log/logger";
import type { NextAttempt } from "./replica-rotation";
import { versionLabel, type CachedSnapshot } from "./snapshot-cache";

/**
 * Why one connection ended: the console refused the upgrade (`HTTP 401: <its reason>`), it never opened (the
 * socket's error), or it closed once open (`code 1006`, with the close reason or the socket's error).
 */
export interface Ending {
  kind: "refused" | "error" | "closed";
  detail: string;
}

const WHAT: Record<Ending["kind"], (detail: string) => string> = {
  refused: (d) => `refused the connection: ${d}`,
  error: (d) => `connection error: ${d}`,
  closed: (d) => `closed (${d})`,
};

export class ConnectionLog {
  /** a connection failed since the last successful one */
  #failing = false;
  /** the last refusal logged as a warning, until a connection succeeds */
  #lastRefusal: string | null = null;
  /** the "serving cached version" warning went out since the last connection */
  #cachedWarned = false;

  constructor(
    private readonly log: Log,
    private readonly urls: readonly string[],
  ) {}

  connected(url: string) {
    this.#failing = false;
    this.#lastRefusal = null;
    this.#cachedWarned = false;
    this.log.info(`connected to control plane ${url}`);
  }

  /**
   * The connection to `url` ended; `next` is where the worker goes. With one URL the lines are the ones the worker
   * always logged (`control plane connection error: …`, `lost the connection to control plane …`); with several
   * they name both replicas: `control plane ws://a… closed (code 1006); trying ws://b…`.
   */
  ended(url: string, e: Ending, next: NextAttempt, cached: CachedSnapshot | null) {
    const wait = next.delayMs > 0 ? ` in ${next.delayMs} ms` : "";
    const what = WHAT[e.kind](e.detail);
    const refusal = e.kind === "refused" ? e.detail : null;
    if (this.urls.length > 1) this.#problem(`control plane ${url} ${what}; trying ${next.url}${wait}`, refusal);
    else {
      this.#problem(e.kind === "closed" ? `lost the connection to control plane ${url} (${e.detail})` : `control plane ${what}`, refusal);
      this.log.debug(`reconnecting to control plane in ${next.delayMs} ms`);
    }
    // "unreachable" only once no replica answered, and once per outage
    if (next.roundFailed && cached && !this.#cachedWarned) {
      this.#cachedWarned = true;
      this.log.warn(`serving cached version ${versionLabel(cached)} (console unreachable)`);
    }
  }

  #problem(msg: string, refusal: string | null) {
    if (refusal !== null && refusal !== this.#lastRefusal) {
      this.#lastRefusal = refusal;
      this.#failing = false;
    }
    if (this.#failing) return this.log.debug(msg);
    this.#failing = true;
    this.log.warn(msg);
  }
}
