// This replica's heartbeat in the Replica table, every 2 s. Any replica can then tell which nodes have a live
// console behind them: a node held by a replica that stopped beating (SIGKILL, a lost host) reads as disconnected
// at once (lib/repos/node-repo.ts listNodes), and each beat also marks such orphans disconnected in their rows, so
// the Fleet page of every replica shows the whole fleet as it is. With SQLite there is one console per file: the
// first beat releases every node a previous process left marked connected.
import { releaseNodes, releaseOrphanNodes } from "../repos/node-repo";
import { REPLICA_TTL_MS, beat, listReplicas, pruneReplicas, removeReplica, replicaAlive } from "../repos/replica-repo";

const BEAT_EVERY_MS = 2_000;
/** rows of replicas silent for a day go (a replica without SIGNALBOX_REPLICA_ID gets a new id on every start) */
const FORGET_AFTER_MS = 24 * 3600_000;

export interface HeartbeatOptions {
  id: string;
  /** host:port this replica serves on */
  address: string;
  /** the database has this process alone (SQLite): nodes left "connected" by an earlier process are released at start */
  exclusive: boolean;
  everyMs?: number;
  log?: (m: string) => void;
}

export class ReplicaHeartbeat {
  readonly #startedAt = new Date();
  #timer: NodeJS.Timeout | null = null;
  #beating: Promise<void> | null = null;
  #failing = false;

  constructor(private readonly o: HeartbeatOptions) {}

  async start(): Promise<void> {
    // alone on the database: an earlier process's row is not another replica, whatever its last beat
    if (this.o.exclusive) await pruneReplicas(new Date(Date.now() + 1));
    await this.#beat();
    // nodes this id held before a restart (SIGNALBOX_REPLICA_ID reused) or, with SQLite, every earlier process's
    await releaseNodes(this.o.exclusive ? null : this.o.id);
    await this.#sweep();
    this.#timer = setInterval(() => {
      this.#beating ??= this.#tick().finally(() => (this.#beating = null));
    }, this.o.everyMs ?? BEAT_EVERY_MS);
    this.#timer.unref();
  }

  async #beat() {
    await beat({ id: this.o.id, address: this.o.address, pid: process.pid, startedAt: this.#startedAt });
  }

  async #sweep() {
    const replicas = await listReplicas();
    const dead = replicas.filter((r) => !replicaAlive(r)).map((r) => r.id);
    const released = await releaseOrphanNodes(dead);
    if (released) this.#log(`${released} node${released === 1 ? "" : "s"} held by a replica that stopped beating marked disconnected`);
    if (replicas.some((r) => Date.now() - r.lastSeen.getTime() > FORGET_AFTER_MS)) await pruneReplicas(new Date(Date.now() - FORGET_AFTER_MS));
  }

  async #tick() {
    try {
      await this.#beat();
      await this.#sweep();
      if (this.#failing) this.#log("the database answers again: heartbeat resumed");
      this.#failing = false;
    } catch (e) {
      // the database is away (restarting, unreachable): keep trying; other replicas see this one as gone after the TTL
      if (!this.#failing) this.#log(`heartbeat failed (${(e as Error).message.split("\n")[0]}); retrying every ${(this.o.everyMs ?? BEAT_EVERY_MS) / 1000} s`);
      this.#failing = true;
    }
  }

  #log(m: string) {
    (this.o.log ?? console.log)(`[replica] ${m}`);
  }

  /** A clean stop: this replica's row goes and its nodes are released, so nobody waits out the TTL. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#beating;
    await releaseNodes(this.o.id).catch(() => {});
    await removeReplica(this.o.id).catch(() => {});
  }
}

/** How many replicas besides `self` beat now. */
export async function otherReplicasAlive(self: string): Promise<number> {
  return (await listReplicas()).filter((r) => r.id !== self && replicaAlive(r)).length;
}

export { REPLICA_TTL_MS };
