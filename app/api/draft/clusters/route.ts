import { withHandler, reply } from "@/lib/http";
import { DraftClusterList } from "@/lib/contract";
import { etagHeaders } from "@/lib/config/draft-etag";
import { readDraft } from "@/lib/config/draft-read";
import { clusterItems } from "@/lib/config/draft-clusters";

/** Draft clusters: [{name, cluster}] (Envoy Cluster JSON, endpoints and thresholds included); ETag: the draft's revision. */
export const GET = withHandler({ response: DraftClusterList }, async () => {
  const { rows, revision } = await readDraft();
  return reply(clusterItems(rows), 200, etagHeaders(revision));
});
