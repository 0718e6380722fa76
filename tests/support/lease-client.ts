// A console replica's lease client in a process of its own, for tests that race replicas through the database
// (tests/integration/replica-lease.test.ts). DATABASE_URL and SIGNALBOX_REPLICA_ID as for the console.
//   node --import tsx tests/support/lease-client.ts race
//     prints {"ready":true} once its database connection is open, then for each stdin line {"name", "nowOffsetMs"?}
//     tries that lease once and prints {"name", "epoch", "at"} (epoch null: not granted; "at": when it answered,
//     epoch ms) or {"name", "error"}
//   node --import tsx tests/support/lease-client.ts hold <name> <ttlMs> <renewMs>
//     runs a Singleton job under the lease and prints {"started": epoch} / {"stopped": true}
import readline from "node:readline";
import { acquireLease, currentLease } from "../../lib/replicas/lease";
import { Singleton } from "../../lib/replicas/singleton";

const print = (o: unknown) => process.stdout.write(JSON.stringify(o) + "\n");
const [mode, name, ttl, renew] = process.argv.slice(2);

if (mode === "race") {
  await currentLease("warm-up");
  print({ ready: true });
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const r = JSON.parse(line) as { name: string; nowOffsetMs?: number };
    try {
      const a = await acquireLease(r.name, { now: () => Date.now() + (r.nowOffsetMs ?? 0) });
      print({ name: r.name, epoch: a.grant?.epoch ?? null, at: Date.now() });
    } catch (e) {
      print({ name: r.name, error: (e as Error).message });
    }
  }
} else if (mode === "hold" && name) {
  const s = new Singleton(name, { start: (g) => void print({ started: g.epoch }), stop: () => void print({ stopped: true }) }, { ttlMs: Number(ttl), renewEveryMs: Number(renew), log: () => {} });
  await s.open();
  // the Singleton's timers do not hold a process open (a console's server does): this one must stay until killed
  setInterval(() => {}, 1 << 30);
  process.on("SIGTERM", () => void s.close().then(() => process.exit(0)));
} else {
  console.error("usage: lease-client.ts race | hold <name> <ttlMs> <renewMs>");
  process.exit(2);
}
