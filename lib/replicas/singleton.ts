// A job that runs on one console replica at a time: `new Singleton(name, job)` tries the lease `name` (lease.ts)
// now and every few seconds; the replica that gets it starts the job with its grant and renews the lease while it
// runs. A renewal that fails (another replica took the lease, or the database could not be reached to keep it)
// stops the job at once: the job's fenced writes would be refused anyway, and its timers must not keep working on
// a replica that may no longer hold it. close() stops the job and releases the lease, so on a clean shutdown another
// replica takes over at its next try instead of waiting for the TTL; after a SIGKILL the others retry right when the
// dead holder's lease expires. Steps (try, renew, close) run one at a time, so start and stop never overlap.
import { acquireLease, LEASE_TTL_MS, releaseLease, renewLease, type LeaseGrant } from "./lease";
import { replicaId } from "./replica-id";

export interface SingletonJob {
  /** starts the job; its writes pass `grant` to fence() */
  start(grant: LeaseGrant): Promise<void> | void;
  /** stops it and waits for what it is doing */
  stop(): Promise<void> | void;
}

export interface SingletonOptions {
  ttlMs?: number;
  /** how often the holder renews (default 3 s, at most a third of the TTL), so one slow renewal does not lose the lease */
  renewEveryMs?: number;
  /** how often a replica without the lease tries it again (sooner when the holder's lease expires sooner) */
  retryEveryMs?: number;
  holder?: string;
  now?: () => number;
  log?: (m: string) => void;
}

const RENEW_EVERY_MS = 3_000;
/** after the holder's expiry: its last renewal may land a moment late, and clocks differ a little */
const EXPIRY_SLACK_MS = 50;

export class Singleton {
  #grant: LeaseGrant | null = null;
  #timer: NodeJS.Timeout | null = null;
  #step: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #ttlMs: number;
  readonly #renewEveryMs: number;
  readonly #retryEveryMs: number;
  readonly #holder: string;
  readonly #now: () => number;
  readonly #log: (m: string) => void;

  constructor(
    readonly name: string,
    private readonly job: SingletonJob,
    o: SingletonOptions = {},
  ) {
    this.#ttlMs = o.ttlMs ?? LEASE_TTL_MS;
    this.#renewEveryMs = o.renewEveryMs ?? Math.min(RENEW_EVERY_MS, Math.floor(this.#ttlMs / 3));
    this.#retryEveryMs = o.retryEveryMs ?? this.#renewEveryMs;
    this.#holder = o.holder ?? replicaId();
    this.#now = o.now ?? Date.now;
    this.#log = (m) => (o.log ?? console.log)(`[lease] ${m}`);
  }

  /** The grant the job runs under, or null while another replica holds the lease. */
  get grant(): LeaseGrant | null {
    return this.#grant;
  }

  /** The first try, awaited (a lone replica starts its job before it serves), then one every few seconds. */
  open(): Promise<void> {
    return this.#run(() => this.#try());
  }

  /** Stops the job and releases the lease; no more tries. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#run(async () => {
      const grant = this.#grant;
      if (!grant) return;
      await this.#stopJob(`"${this.name}" released: this replica is shutting down`);
      try {
        await releaseLease(grant);
      } catch (e) {
        this.#log(`releasing "${this.name}" failed (another replica takes it when it expires): ${(e as Error).message}`);
      }
    });
  }

  #run(step: () => Promise<void>): Promise<void> {
    const next = this.#step.then(step);
    this.#step = next.catch(() => {});
    return next;
  }

  #schedule(ms: number) {
    if (this.#closed) return;
    const step = () => (this.#grant ? this.#renew() : this.#try());
    this.#timer = setTimeout(() => void this.#run(step).catch((e: Error) => this.#log(`"${this.name}": ${e.message}`)), Math.max(0, ms));
    this.#timer.unref();
  }

  async #try(): Promise<void> {
    if (this.#closed) return;
    let wait = this.#retryEveryMs;
    try {
      const a = await acquireLease(this.name, { holder: this.#holder, ttlMs: this.#ttlMs, now: this.#now });
      if (a.grant) {
        this.#grant = a.grant;
        this.#log(`this replica (${a.grant.holder}) holds "${this.name}" (epoch ${a.grant.epoch}): starting it`);
        try {
          await this.job.start(a.grant);
          wait = this.#renewEveryMs;
        } catch (e) {
          this.#log(`starting "${this.name}" failed: ${(e as Error).message}`);
          await this.#stopJob(null);
          await releaseLease(a.grant).catch(() => false);
        }
      } else if (a.current) {
        wait = Math.min(wait, a.current.expiresAt.getTime() + EXPIRY_SLACK_MS - this.#now());
      }
    } catch (e) {
      this.#log(`trying "${this.name}" failed: ${(e as Error).message}`);
    }
    this.#schedule(wait);
  }

  async #renew(): Promise<void> {
    if (this.#closed || !this.#grant) return;
    let renewed: LeaseGrant | null = null;
    let why = "another replica took it over";
    try {
      renewed = await renewLease(this.#grant, { ttlMs: this.#ttlMs, now: this.#now });
    } catch (e) {
      why = `renewing it failed: ${(e as Error).message}`;
    }
    if (renewed) {
      this.#grant = renewed;
      return this.#schedule(this.#renewEveryMs);
    }
    await this.#stopJob(`lost "${this.name}" (epoch ${this.#grant.epoch}), ${why}: stopped it here`);
    this.#schedule(this.#retryEveryMs);
  }

  async #stopJob(log: string | null): Promise<void> {
    this.#grant = null;
    if (log) this.#log(log);
    try {
      await this.job.stop();
    } catch (e) {
      this.#log(`stopping "${this.name}" failed: ${(e as Error).message}`);
    }
  }
}
