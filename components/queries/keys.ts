// The typed query-key factory: every cache key in the console comes from here, never inline strings.
// Mutations invalidate these exact tuples.

export const queryKeys = {
  draftStatus: () => ["draft", "status"] as const,
  draftRoutes: () => ["draft", "routes"] as const,
  draftClusters: () => ["draft", "clusters"] as const,
  draftConfig: () => ["draft", "config"] as const,
  versions: () => ["versions"] as const,
  version: (id: string) => ["versions", id] as const,
  versionDiff: (from: string, to: string) => ["versions", from, "diff", to] as const,
  nodes: () => ["nodes"] as const,
  bundledWorker: () => ["worker"] as const,
  liveStats: (node: string) => ["stats", "live", node] as const,
  audit: (limit: number) => ["audit", limit] as const,
};

/** Everything a publish or rollback can change: the draft, the version list and node rollout. */
export const afterPublishKeys = () => [
  queryKeys.draftStatus(),
  queryKeys.versions(),
  queryKeys.nodes(),
  queryKeys.draftRoutes(),
  queryKeys.draftClusters(),
  queryKeys.draftConfig(),
];
