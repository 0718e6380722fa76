// Types of the console API as the components use them: every one comes from the API contract (lib/contract/),
// the schemas the server answers with and the hooks parse with. Envoy resources use the proxy's config types.
import type { Cluster, Route } from "@/proxy-core/src/config/schema";

export type { Cluster, Route };
export type {
  AuditEntry,
  BundledWorkerState,
  BundledWorkerStatus,
  DraftStatus,
  HubEvent,
  LivePoint,
  LiveStats,
  NodeState,
  ResourceChange as DraftChange,
  DraftClusterItem as DraftClusterRow,
  DraftRouteItem as DraftRouteRow,
  NodeView as NodeRow,
  VersionListItem as Version,
} from "@/lib/contract";
