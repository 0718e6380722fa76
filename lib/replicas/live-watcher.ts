// How a replica learns that another one changed what its workers should run. A publish, rollback or promotion on
// replica A pushes the version to A's workers at once (lib/config/notify.ts); replica B hears of it through
// PostgreSQL's LISTEN/NOTIFY (the payload is the version id only: the snapshot is read from the database), and a
// poll of the live pointers every 1.5 s is the safety net for whatever NOTIFY cannot carry: a lost connection, a
// restore, a canary started or ended, a TLS secret rotated, the settings changed, PgBouncer in transaction mode. On SQLite (one console)
// server.ts does not start it: every change is made and pushed in that one process.
import type { PublishedCanary, PublishedVersion } from "../control-plane/registry";

const POLL_EVERY_MS = 1_500;

export interface FollowedEnvironment {
  environment: string;
  liveId: string | null;
  canaryId: string | null;
}

export interface Pointers {
  /** every environment's live version id */
  live: Map<string, string>;
  /** every environment's running canary's version id */
  canary: Map<string, string>;
  /** a stamp of the TLS secrets: it changes with each create, rotation and delete */
  secrets: string;
  /** the console settings (retention, Zipkin collector) as JSON */
  settings: string;
}

export interface LiveWatcherOptions {
  /** the hub: what it follows, and how to hand it a version, a canary or new secrets */
  target: {
    followed(): FollowedEnvironment[];
    followLive(v: PublishedVersion): void;
    setCanary(env: string, c: PublishedCanary | null): void;
    secretsChanged(): void;
  };
  pointers(): Promise<Pointers>;
  /** the console settings changed (on another replica): apply them to this one's telemetry */
  settingsChanged?: () => void;
  loadLive(env: string): Promise<PublishedVersion | null>;
  loadCanary(env: string): Promise<PublishedCanary | null>;
  /** subscribes to NOTIFY (PostgreSQL): `wake` runs a check now; answers the unsubscribe */
  listen?: (wake: () => void) => { close(): Promise<void> };
  pollEveryMs?: number;
  log?: (m: string) => void;
}

export class LiveWatcher {
  #timer: NodeJS.Timeout | null = null;
  #listener: { close(): Promise<void> } | null = null;
  #checking: Promise<void> | null = null;
  #again = false;
  #failing = false;
  /** the secrets stamp of the last check (null before the first: the hub loaded them itself at start) */
  #secrets: string | null = null;
  #settings: string | null = null;

  constructor(private readonly o: LiveWatcherOptions) {}

  start(): void {
    this.#listener = this.o.listen?.(() => this.wake()) ?? null;
    this.#timer = setInterval(() => this.wake(), this.o.pollEveryMs ?? POLL_EVERY_MS);
    this.#timer.unref();
  }

  /** Checks the pointers now (or right after the check under way, so a NOTIFY during a check is not missed). */
  wake(): void {
    if (this.#checking) {
      this.#again = true;
      return;
    }
    this.#checking = this.check()
      .catch((e: Error) => {
        if (!this.#failing) this.#log(`could not read the live versions (${e.message.split("\n")[0]}); retrying`);
        this.#failing = true;
      })
      .finally(() => {
        this.#checking = null;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** One pass: each followed environment whose live or canary version moved gets it handed to the hub. */
  async check(): Promise<void> {
    const { live, canary, secrets, settings } = await this.o.pointers();
    if (this.#failing) this.#log("reading the live versions again");
    this.#failing = false;
    if (this.#secrets !== null && secrets !== this.#secrets) this.o.target.secretsChanged();
    this.#secrets = secrets;
    if (this.#settings !== null && settings !== this.#settings) this.o.settingsChanged?.();
    this.#settings = settings;
    for (const f of this.o.target.followed()) {
      const liveId = live.get(f.environment) ?? null;
      if (liveId !== null && liveId !== f.liveId) {
        const v = await this.o.loadLive(f.environment);
        // a publish made on this replica while the version was read is newer: keep it
        if (v && this.#current(f.environment)?.liveId === f.liveId) {
          this.o.target.followLive(v);
          this.#log(`v${v.number} of ${f.environment} went live on another replica: sent to this replica's workers`);
        }
      }
      const canaryId = canary.get(f.environment) ?? null;
      if (canaryId !== f.canaryId) {
        const c = canaryId === null ? null : await this.o.loadCanary(f.environment);
        if (this.#current(f.environment)?.canaryId === f.canaryId) this.o.target.setCanary(f.environment, c);
      }
    }
  }

  #current(env: string): FollowedEnvironment | undefined {
    return this.o.target.followed().find((f) => f.environment === env);
  }

  #log(m: string) {
    (this.o.log ?? console.log)(`[replica] ${m}`);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#listener?.close();
    this.#listener = null;
    await this.#checking;
  }
}
