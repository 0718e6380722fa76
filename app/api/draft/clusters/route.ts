import { withHandler } from "@/lib/http";
import { DraftClusterList } from "@/lib/contract";
import { listDraftClusters } from "@/lib/config/draft-clusters";

/** Draft clusters: [{name, cluster}] (Envoy Cluster JSON, endpoints and thresholds included). */
export const GET = withHandler({ response: DraftClusterList }, async () => listDraftClusters());
