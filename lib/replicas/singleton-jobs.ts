// The console's jobs that run on one replica at a time, each under its lease (singleton.ts): the publish guard's
// watcher ("guard": two replicas judging one guard would publish two rollbacks), telemetry retention pruning
// ("retention": the same deletes twice over for nothing) and the certificate expiry watch ("certificate-expiry": the
// same warning once per replica). server.ts starts them once the store is migrated and telemetry runs, and awaits the
// returned stop function on shutdown, which releases the leases so another replica takes over at once. A console
// alone on its database (SQLite) runs them without leases: there is nobody to hand them to, and renewing three
// leases would be a write every second for nothing.
import type { GuardWatcher } from "../guard/watcher";
import { watchSecretExpiry } from "../secrets/expiry-watch";
import type { Retention } from "../telemetry/retention";
import { Singleton, type SingletonOptions } from "./singleton";

export interface SingletonJobs {
  guard: GuardWatcher;
  retention: Retention;
  options?: SingletonOptions;
  /** the database has this console alone: no leases */
  exclusive?: boolean;
}

export async function startSingletons(o: SingletonJobs): Promise<() => Promise<void>> {
  // Telemetry.start() began pruning on every replica; from here on only the holder of "retention" prunes
  await o.retention.stop();
  let stopExpiryWatch: (() => void) | null = null;
  if (o.exclusive) {
    await o.guard.start();
    o.retention.start();
    stopExpiryWatch = watchSecretExpiry();
    return async () => {
      stopExpiryWatch?.();
      await o.retention.stop();
      await o.guard.stop();
    };
  }
  const singletons = [
    new Singleton("guard", { start: (grant) => o.guard.start(grant), stop: () => o.guard.stop() }, o.options),
    new Singleton("retention", { start: () => o.retention.start(), stop: () => o.retention.stop() }, o.options),
    new Singleton(
      "certificate-expiry",
      {
        start: () => void (stopExpiryWatch = watchSecretExpiry()),
        stop: () => {
          stopExpiryWatch?.();
          stopExpiryWatch = null;
        },
      },
      o.options,
    ),
  ];
  await Promise.all(singletons.map((s) => s.open()));
  return async () => {
    await Promise.all(singletons.map((s) => s.close()));
  };
}
