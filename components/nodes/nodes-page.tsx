"use client";
import { useMemo, useState } from "react";
import { useDraftStatusQuery } from "@/components/queries/use-draft-status-query";
import { useNodesQuery } from "@/components/queries/use-nodes-query";
import { useReplicasQuery } from "@/components/queries/use-replicas-query";
import { useIsAdmin } from "@/components/queries/use-session";
import { EmptyState } from "@/components/ui/empty-state";
import { BundledWorkerPanel } from "./bundled-worker-panel";
import { CanaryBanner } from "./canary-banner";
import { NodeTable } from "./node-table";
import { AddNodeDialog } from "./add-node-dialog";
import { ReplicasPanel } from "./replicas-panel";

export function NodesPage() {
  const status = useDraftStatusQuery();
  const nodes = useNodesQuery({ refetchInterval: 2000 });
  const replicas = useReplicasQuery();
  // connected first, then by id; the polling answers a new array every 2 s, so sort only when it changes
  const [adding, setAdding] = useState(false);
  // adding a node makes an API token (POST /api/tokens): an admin's to do
  const isAdmin = useIsAdmin();
  const list = useMemo(() => nodes.data && [...nodes.data].sort((a, b) => Number(b.connected) - Number(a.connected) || a.id.localeCompare(b.id)), [nodes.data]);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Nodes</h1>
          <p>
            Proxy workers connected to this console{status.data?.live ? ` and whether they run the live v${status.data.live.number}` : ""}. A node that
            rejects a version keeps serving its last good one.
          </p>
        </div>
        <button type="button" className="btn primary" onClick={() => setAdding(true)} disabled={!isAdmin} title={isAdmin ? undefined : "Only an admin adds a node: it makes an API token"}>
          Add node
        </button>
      </div>
      {adding && <AddNodeDialog onClose={() => setAdding(false)} />}
      <CanaryBanner />
      <BundledWorkerPanel />
      <ReplicasPanel />
      <NodeTable
        nodes={list}
        query={nodes}
        showReplica={(replicas.data?.length ?? 0) > 1}
        empty={
          <EmptyState title="No nodes yet">
            A node is a proxy worker that runs the published configuration. The console starts one named <code>local</code>; others connect with{" "}
            <code>npx proxy-core --control-plane ws://HOST:PORT/ws/worker --token TOKEN --node-id NAME</code>: &ldquo;Add node&rdquo; makes the token and the command.
          </EmptyState>
        }
      />
    </>
  );
}
