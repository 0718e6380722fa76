// The typed query-key factory: every cache key in the console comes from here, never inline strings.
// Mutations invalidate these exact tuples; the live channel merges its ticks into them.
import type { Window } from "@/lib/contract/telemetry";

/** What a series or summary covers (GET /api/telemetry/series|summary query): absent fields mean "all". */
export interface TelemetryScope {
  window: Window;
  node?: string;
  vhost?: string;
  route?: string;
  cluster?: string;
}

/** The filters of the audit trail (GET /api/audit `?actor=&action=&q=`). */
export interface AuditFilter {
  actor?: string;
  action?: string;
  q?: string;
}

/** The filters of an event list (GET /api/events). */
export interface EventFilter {
  cluster?: string;
  kind?: string;
  node?: string;
  since?: number;
  limit: number;
}

/** Every part of a scope in a fixed order, so equal scopes give equal keys. */
const scopeParts = (s: TelemetryScope) => [s.window, s.node ?? null, s.vhost ?? null, s.route ?? null, s.cluster ?? null] as const;

export const queryKeys = {
  draftStatus: () => ["draft", "status"] as const,
  draftRoutes: () => ["draft", "routes"] as const,
  draftClusters: () => ["draft", "clusters"] as const,
  draftListeners: () => ["draft", "listeners"] as const,
  draftConfig: () => ["draft", "config"] as const,
  discardPreview: () => ["draft", "discard-preview"] as const,
  /** the impact preview: sampled requests replayed against the draft */
  draftImpact: () => ["draft", "impact"] as const,
  /** the draft against the live version: keyed by both hashes, so any draft edit or publish is a new key */
  draftDiff: (liveHash: string | null, draftHash: string) => ["draft", "diff", liveHash, draftHash] as const,
  /** what a publish would refuse the draft for: keyed by the draft's hash, since nothing else changes the answer */
  draftValidation: (draftHash: string) => ["draft", "validation", draftHash] as const,
  versions: () => ["versions"] as const,
  version: (id: string) => ["versions", id] as const,
  versionDiff: (from: string, to: string) => ["versions", from, "diff", to] as const,
  /** one change of a diff with its sides: the two sides' hashes say what it is from, whichever endpoint answers it */
  diffChange: (fromHash: string, toHash: string, changeId: string) => ["diff", fromHash, toHash, "change", changeId] as const,
  nodes: () => ["nodes"] as const,
  replicas: () => ["replicas"] as const,
  /** the running canary (GET /api/rollout) */
  rollout: () => ["rollout"] as const,
  bundledWorker: () => ["worker"] as const,
  /** who is signed in (GET /api/session) */
  session: () => ["session"] as const,
  /** the accounts (GET /api/users, admin) */
  users: () => ["users"] as const,
  /** every sessions list (mine and each user's): what a revocation invalidates */
  sessions: () => ["sessions"] as const,
  /** my sessions (GET /api/sessions) */
  mySessions: () => ["sessions", "mine"] as const,
  /** a user's sessions (GET /api/users/{id}/sessions, admin) */
  userSessions: (userId: string) => ["sessions", "user", userId] as const,
  /** the audit trail: every filter in a fixed order (absent: null) */
  audit: (limit: number, f: AuditFilter = {}) => ["audit", limit, f.actor ?? null, f.action ?? null, f.q ?? null] as const,
  /** every telemetry query (a publish moves the version markers of all of them) */
  telemetry: () => ["telemetry"] as const,
  allSeries: () => ["telemetry", "series"] as const,
  series: (s: TelemetryScope) => ["telemetry", "series", ...scopeParts(s)] as const,
  summary: (s: TelemetryScope) => ["telemetry", "summary", ...scopeParts(s)] as const,
  clusterLive: (name: string) => ["telemetry", "cluster", name] as const,
  allTrips: () => ["telemetry", "trips"] as const,
  trips: (window: Window, cluster: string | null) => ["telemetry", "trips", window, cluster] as const,
  allEvents: () => ["events"] as const,
  events: (f: EventFilter) => ["events", f] as const,
  /** the live channel's latest tick, written by the channel and never fetched */
  liveTick: () => ["live", "tick"] as const,
  traces: (params: string) => ["traces", params] as const,
  trace: (traceId: string) => ["traces", "one", traceId] as const,
  accessLog: (params: string) => ["access-log", params] as const,
  settings: () => ["settings"] as const,
  /** the environments and which one this browser edits (GET /api/environments) */
  environments: () => ["environments"] as const,
  /** the named API and worker tokens (GET /api/tokens) */
  tokens: () => ["tokens"] as const,
  /** the TLS secrets' facts (GET /api/secrets), never their PEM */
  secrets: () => ["secrets"] as const,
  /** the teams with their members (GET /api/teams, admin) */
  teams: () => ["teams"] as const,
  /** the caller's teams (GET /api/draft/ownership) */
  myTeams: () => ["my-teams"] as const,
  demo: () => ["demo"] as const,
};

/** Everything a publish or rollback can change: the draft, the version list and node rollout. */
export const afterPublishKeys = () => [
  queryKeys.draftStatus(),
  queryKeys.versions(),
  queryKeys.nodes(),
  queryKeys.rollout(),
  queryKeys.draftRoutes(),
  queryKeys.draftClusters(),
  queryKeys.draftListeners(),
  queryKeys.draftConfig(),
];
