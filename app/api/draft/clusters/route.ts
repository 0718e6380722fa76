import { withHandler, reply } from "@/lib/http";
import { DraftClusterList } from "@/lib/contract";
import { etagHeaders } from "@/lib/config/draft-etag";
import { readDraft } from "@/lib/config/draft-read";
import { clusterItems } from "@/lib/config/draft-clusters";
import { clustersWithOwners } from "@/lib/teams/ownership-view";

/** Draft clusters: [{name, cluster, owner, editable}] (Envoy Cluster JSON, endpoints and thresholds included); ETag: the draft's revision. */
export const GET = withHandler({ response: DraftClusterList }, async ({ actor }) => {
  const { rows, revision } = await readDraft();
  return reply(clustersWithOwners(clusterItems(rows), rows, actor), 200, etagHeaders(revision));
});
