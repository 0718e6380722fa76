// Config applies run one at a time, in arrival order, through one prelude and one epilogue shared by the
// single-process ProxyServer and the cluster primary: refuse while draining, validate, count the outcome
// (Envoy's control_plane.update_* and server.live), and remember the last refusal for /config_dump's
// `error_state` (cleared by the next good apply). The primary also queues its worker re-syncs here so they
// never interleave with an apply.
import type { SnapshotResources } from "./config/schema";
import { formatIssues, validateResources } from "./config/validate";
import { ParseReuse } from "./config/reuse";
import type { StatsStore } from "./stats/store";

export class ConfigRejectedError extends Error {
  readonly code = "PROXY_ERR_CONFIG_REJECTED";
}

export interface ApplyError {
  version: string;
  details: string;
  at: Date;
}

export class ApplyQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #draining = false;
  /** the routes of the last valid snapshot, parsed: the next snapshot parses only those it changed */
  readonly #reuse = new ParseReuse();
  readonly #st;
  lastError: ApplyError | null = null;

  constructor(store: StatsStore) {
    this.#st = {
      attempt: store.counter("control_plane.update_attempt"),
      success: store.counter("control_plane.update_success"),
      rejected: store.counter("control_plane.update_rejected"),
      live: store.gauge("server.live"),
      activeClusters: store.gauge("cluster_manager.active_clusters"),
      activeListeners: store.gauge("listener_manager.total_listeners_active"),
    };
    this.#st.live.set(0);
  }

  /** Runs `fn` after everything queued before it. */
  enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => {});
    return run;
  }

  /**
   * Queues an apply of `version`: `input` is validated, then `commit` makes the validated resources live or
   * throws a ConfigRejectedError (after undoing its own work). The outcome sets or clears `lastError`.
   */
  apply(version: string, input: unknown, commit: (resources: SnapshotResources) => Promise<void>): Promise<void> {
    return this.enqueue(async () => {
      try {
        if (this.#draining) throw new ConfigRejectedError("the worker is shutting down");
        await this.#validateAndCommit(input, commit);
        this.lastError = null;
      } catch (err) {
        this.lastError = { version, details: (err as Error).message, at: new Date() };
        throw err;
      }
    });
  }

  /** Refuses applies from now on (server.live 0); resolves once everything queued so far has finished. */
  drain(): Promise<unknown> {
    this.#draining = true;
    this.#st.live.set(0);
    return this.#tail;
  }

  async #validateAndCommit(input: unknown, commit: (resources: SnapshotResources) => Promise<void>) {
    const st = this.#st;
    st.attempt.inc();
    const v = validateResources(input, this.#reuse);
    if (!v.ok) {
      st.rejected.inc();
      throw new ConfigRejectedError(formatIssues(v.errors));
    }
    try {
      await commit(v.value);
    } catch (err) {
      st.rejected.inc();
      throw err;
    }
    st.live.set(1);
    st.success.inc();
    st.activeClusters.set(v.value.clusters.length);
    st.activeListeners.set(v.value.listeners.length);
  }
}
