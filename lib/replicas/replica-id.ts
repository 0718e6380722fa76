// This console process's replica id: what the Node table's `replica` column, the Replica heartbeat, leases and
// live frames name it by. SIGNALBOX_REPLICA_ID sets it (a stable name per host reads better in the Fleet page);
// otherwise it is host-pid-random, new on every start. server.ts and Next's bundle each load their own copy of
// this module, so the id lives on globalThis under a shared symbol.
import crypto from "node:crypto";
import os from "node:os";

const KEY = Symbol.for("signalbox.replicaId");

export function replicaId(): string {
  const g = globalThis as unknown as Record<symbol, string | undefined>;
  g[KEY] ??= process.env.SIGNALBOX_REPLICA_ID?.trim() || `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
  return g[KEY];
}
