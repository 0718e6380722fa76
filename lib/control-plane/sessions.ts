// The worker sessions of the control plane: one WebSocket each, bound to a node id by its hello; one session per
// node (a new hello for the same node replaces the old session). A session remembers the nonce of the last
// snapshot it was sent, so an ACK/NACK answering a superseded snapshot can be told apart (xDS's nonce).
import { randomUUID } from "node:crypto";
import type { WebSocket } from "ws";
import type { SnapshotMessage } from "../../proxy-core/src/config/index";
import type { Resources } from "../config/draft-mapper";
import type { WorkerGrant } from "../tokens/worker-grant";

export interface LiveVersion {
  id: string;
  number: number;
  snapshot: Resources;
}

export class Session {
  nodeId: string | null = null;
  /** messages of one session are handled one after the other */
  queue: Promise<void> = Promise.resolve();
  /** answered the last ping (or sent something) */
  alive = true;
  lastSeenWrite = 0;
  /** nonce of the last snapshot sent: an ACK/NACK with another one answers a superseded snapshot */
  nonce: string | null = null;
  /** the worker's --node-label pairs (from its hello): a canary's selector is matched against them */
  labels: Record<string, string> = {};
  /** the worker's --environment (from its hello): which environment's versions it gets */
  environment = "default";
  /** the version id this node was last sent, or found running on hello: a push skips a node that has it */
  sentVersion: string | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly remote: string,
    /** the credential it connected with: a worker token (revoking it closes the session) or the bootstrap admin token */
    readonly grant: WorkerGrant = { kind: "bootstrap", name: "admin token" },
  ) {}

  get name(): string {
    return this.nodeId ?? this.remote;
  }

  sendSnapshot(v: LiveVersion) {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const nonce = randomUUID();
    this.nonce = nonce;
    this.sentVersion = v.id;
    this.ws.send(snapshotText(v, nonce));
  }
}

/** The resources of a version as JSON, made once however many workers it is sent to (1.3 MiB at 10,000 routes). */
const resourcesJson = new WeakMap<Resources, string>();

/** A SnapshotMessage as sent: JSON.stringify of the message, with the version's resources serialised only once. */
export function snapshotText(v: LiveVersion, nonce: string): string {
  let resources = resourcesJson.get(v.snapshot);
  if (resources === undefined) resourcesJson.set(v.snapshot, (resources = JSON.stringify(v.snapshot)));
  const head: Omit<SnapshotMessage, "resources"> = { type: "snapshot", version: v.id, number: v.number, nonce };
  return `${JSON.stringify(head).slice(0, -1)},"resources":${resources}}`;
}

export class SessionTable {
  readonly #byNode = new Map<string, Session>();
  readonly #all = new Set<Session>();

  add(s: Session) {
    this.#all.add(s);
  }

  /** Binds `s` to `nodeId`; returns the session it replaces, if any. */
  bind(s: Session, nodeId: string): Session | null {
    const previous = this.#byNode.get(nodeId);
    s.nodeId = nodeId;
    this.#byNode.set(nodeId, s);
    return previous && previous !== s ? previous : null;
  }

  /** Forgets `s`; true when it was its node's current session (the node is now disconnected). */
  remove(s: Session): boolean {
    this.#all.delete(s);
    if (s.nodeId !== null && this.#byNode.get(s.nodeId) === s) {
      this.#byNode.delete(s.nodeId);
      return true;
    }
    return false;
  }

  nodes(): string[] {
    return [...this.#byNode.keys()];
  }

  bound(): Iterable<Session> {
    return this.#byNode.values();
  }

  all(): Iterable<Session> {
    return this.#all;
  }
}
