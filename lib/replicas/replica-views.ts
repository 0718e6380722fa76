// GET /api/replicas: the console processes sharing the database, each with its heartbeat and the nodes it holds.
import type { z } from "zod";
import type { ReplicaView } from "../contract/nodes";
import { listNodes } from "../repos/node-repo";
import { listReplicas, replicaAlive } from "../repos/replica-repo";
import { replicaId } from "./replica-id";

export async function listReplicaViews(): Promise<z.input<typeof ReplicaView>[]> {
  const [replicas, nodes] = await Promise.all([listReplicas(), listNodes()]);
  const held = new Map<string, number>();
  for (const n of nodes) if (n.connected && n.replica) held.set(n.replica, (held.get(n.replica) ?? 0) + 1);
  const me = replicaId();
  const now = Date.now();
  return replicas.map((r) => ({ ...r, alive: replicaAlive(r, now), self: r.id === me, nodes: held.get(r.id) ?? 0 }));
}
