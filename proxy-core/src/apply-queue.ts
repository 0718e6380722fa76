// Config applies run one at a time, in arrival order, and the last refusal is remembered for /config_dump's
// `error_state` (cleared by the next good apply). Shared by the single-process ProxyServer and the cluster
// primary, which also queues its worker re-syncs here so they never interleave with an apply.

export interface ApplyError {
  version: string;
  details: string;
  at: Date;
}

export class ApplyQueue {
  #tail: Promise<unknown> = Promise.resolve();
  lastError: ApplyError | null = null;

  /** Runs `fn` after everything queued before it. */
  enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Queues an apply of `version`; its outcome sets or clears `lastError`. */
  apply(version: string, fn: () => Promise<void>): Promise<void> {
    return this.enqueue(async () => {
      try {
        await fn();
        this.lastError = null;
      } catch (err) {
        this.lastError = { version, details: (err as Error).message, at: new Date() };
        throw err;
      }
    });
  }

  /** Resolves once everything queued so far has finished. */
  idle(): Promise<unknown> {
    return this.#tail;
  }
}
