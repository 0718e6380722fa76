import { withHandler } from "@/lib/http";
import { ReplicaList } from "@/lib/contract";
import { listReplicaViews } from "@/lib/replicas/replica-views";

/** Console replicas sharing the database: [{id, address, pid, startedAt, lastSeen, alive, self, nodes}]. */
export const GET = withHandler({ response: ReplicaList }, async () => listReplicaViews());
