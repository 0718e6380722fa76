// Response types of the console API (docs/ARCHITECTURE.md). Envoy resources use the contract's types.
// The version and node shapes are normalised defensively, because the public contract lists only the
// fields of the Prisma models (ConfigVersion, Node).
import type { Cluster, Route } from "@/proxy-core/src/config/schema";

export type { Cluster, Route };
// the server's own contract for GET /api/worker (one type for the handler and the hook)
export type { BundledWorkerState, BundledWorkerStatus } from "@/lib/worker/status";

export interface DraftChange {
  kind: string;
  name: string;
  change: string;
}

export interface DraftStatus {
  live: { id: string; number: number; hash: string } | null;
  draftHash: string;
  changes: DraftChange[];
  nodes: { total: number; connected: number; applied: number; rejected: number };
}

export interface DraftRouteRow {
  id: string;
  listener: string;
  virtualHost: string;
  domains: string[];
  position: number;
  route: Route;
}

export interface DraftClusterRow {
  name: string;
  cluster: Cluster;
}

export interface Version {
  id: string;
  number: number;
  hash: string;
  parentId: string | null;
  rollbackOfId: string | null;
  author: string;
  message: string;
  createdAt: string;
  live: boolean;
  nodes: number | null;
}

export type NodeState = "applied" | "pending" | "rejected" | "unknown";

export interface NodeRow {
  id: string;
  connected: boolean;
  address: string | null;
  connectedAt: string | null;
  lastSeen: string | null;
  appliedVersionId: string | null;
  appliedVersionNumber: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** state relative to the live version */
  state: NodeState;
}

export interface LivePoint {
  t: number;
  rps: number;
  rq2xx: number;
  rq4xx: number;
  rq5xx: number;
}

export interface LiveStats {
  node: string;
  points: LivePoint[];
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** Accepts `[...]`, `{items:[...]}`, `{<key>:[...]}` or `{data:[...]}`. */
export function listOf(raw: unknown, key: string): Obj[] {
  if (Array.isArray(raw)) return raw as Obj[];
  if (raw && typeof raw === "object") {
    const o = raw as Obj;
    for (const k of [key, "items", "data"]) if (Array.isArray(o[k])) return o[k] as Obj[];
  }
  return [];
}

export function toVersion(o: Obj, liveId: string | null): Version {
  const id = str(o.id) ?? "";
  const nodes = o.nodes;
  return {
    id,
    number: num(o.number) ?? 0,
    hash: str(o.hash) ?? "",
    parentId: str(o.parentId),
    rollbackOfId: str(o.rollbackOfId),
    author: str(o.author) ?? "—",
    message: str(o.message) ?? "",
    createdAt: str(o.createdAt) ?? "",
    live: o.live === true || o.isLive === true || (liveId !== null && id === liveId),
    nodes: num(nodes) ?? (Array.isArray(nodes) ? nodes.length : nodes && typeof nodes === "object" ? num((nodes as Obj).applied) : null),
  };
}

export function toNode(o: Obj, liveId: string | null): NodeRow {
  const applied = o.appliedVersion as Obj | string | null | undefined;
  const appliedVersionId = str(o.appliedVersionId) ?? (typeof applied === "string" ? applied : applied ? str(applied.id) : null);
  const appliedVersionNumber =
    num(o.appliedVersionNumber) ?? (applied && typeof applied === "object" ? num(applied.number) : null);
  const lastError = str(o.lastError);
  const lastErrorAt = str(o.lastErrorAt);
  const connected = o.connected === true;
  let state: NodeState = "unknown";
  const explicit = str(o.state) ?? str(o.status);
  if (explicit === "applied" || explicit === "pending" || explicit === "rejected") state = explicit;
  // the console clears lastError on every ACK, so a present error means the last snapshot was refused
  else if (lastError) state = "rejected";
  else if (liveId && appliedVersionId === liveId) state = "applied";
  else if (connected) state = "pending";
  return {
    id: str(o.id) ?? str(o.nodeId) ?? "?",
    connected,
    address: str(o.address) ?? str(o.admin),
    connectedAt: str(o.connectedAt),
    lastSeen: str(o.lastSeen),
    appliedVersionId,
    appliedVersionNumber,
    lastError,
    lastErrorAt,
    state,
  };
}
