// What the console does with what workers report (the hub hands every telemetry message here, parsed with
// the protocol's schemas). Stats become per-second frames (live window) and 10 s / 60 s rollups; the latest
// value of every stat is kept for /api/metrics; events go to the event log; spans to the trace store and the
// Zipkin forwarder; cluster reports replace the node's previous one; access-log samples go to their store.
// All of it is in-memory work: SQLite is written by the rollup and event batches, never per report. What other
// console replicas need (each second's frames, the cluster reports) also goes to the outbox of frame-exchange.ts.
import type { TelemetryMessage, TelemetrySink } from "../control-plane/hub";
import type { PublishedVersion } from "../control-plane/registry";
import type { ClustersMessage, ZipkinSpan } from "../../proxy-core/src/config/index";
import { requestSampleStore } from "../impact/sample-store";
import type { AccessLogStore } from "./access-log-store";
import type { ClusterReports } from "./cluster-reports";
import type { EventLog } from "./event-log";
import type { Frame } from "./frame";
import type { LiveWindow } from "./live-window";
import { NodeStats } from "./node-stats";
import type { Rollups } from "./rollups";
import type { TraceStore } from "./trace-store";
import type { ZipkinForwarder } from "./zipkin-forwarder";

export interface IngestParts {
  window: LiveWindow;
  rollups: Rollups;
  events: EventLog;
  traces: TraceStore;
  zipkin: ZipkinForwarder;
  clusters: ClusterReports;
  accessLog: AccessLogStore;
  /** what this replica's own workers sent, for the other replicas (frame-exchange.ts) */
  outbox?: LocalOutbox;
  /** the route a SERVER span without a `route_name` tag was served by */
  routeOf: (s: ZipkinSpan) => string | null;
  now: () => number;
}

export interface LocalOutbox {
  frame(node: string, sec: number, frame: Frame): void;
  clusterReport(node: string, msg: { ts: number; clusters: ClustersMessage["clusters"] }): void;
}

export class TelemetryIngest implements TelemetrySink {
  /** the stats of each connected node's current session */
  readonly nodes = new Map<string, NodeStats>();
  /** the last counters of nodes that disconnected, to continue from if the same worker process reconnects */
  readonly #lastCounters = new Map<string, Map<string, number>>();

  constructor(private readonly p: IngestParts) {}

  connected(node: string, appliedVersion: string | null) {
    // a new session's first report carries every counter: where counting starts is in node-stats.ts
    const previous = this.#lastCounters.get(node);
    this.#lastCounters.delete(node);
    this.nodes.set(node, new NodeStats(appliedVersion === null ? "zero" : (previous ?? "baseline")));
    this.p.events.record({ ts: this.p.now(), node, kind: "connected", details: { appliedVersion } });
  }

  disconnected(node: string) {
    const stats = this.nodes.get(node);
    if (stats) this.#lastCounters.set(node, stats.counters);
    this.nodes.delete(node);
    this.p.clusters.forget(node);
    this.p.events.record({ ts: this.p.now(), node, kind: "disconnected", details: {} });
  }

  rejected(node: string, version: string, error: string) {
    this.p.events.record({ ts: this.p.now(), node, kind: "nack", details: { version, error } });
  }

  published(v: PublishedVersion) {
    const kind = v.rollbackOfId ? "rollback" : "publish";
    this.p.events.record({
      ts: this.p.now(), node: "console", kind,
      details: { versionId: v.id, number: v.number, author: v.author ?? null, message: v.message ?? "", ...(v.rollbackOfId ? { rollbackOfId: v.rollbackOfId } : {}) },
    });
  }

  message(node: string, msg: TelemetryMessage) {
    switch (msg.type) {
      case "stats": {
        let stats = this.nodes.get(node);
        if (!stats) this.nodes.set(node, (stats = new NodeStats()));
        const frame = stats.ingest(msg);
        // the console's clock places the report: workers' clocks may differ, and a second is only ticked
        // (live channel) once it is over by the console's
        const sec = Math.floor(this.p.now() / 1000);
        this.p.window.add(node, sec, frame);
        this.p.rollups.add(node, sec, frame);
        this.p.outbox?.frame(node, sec, frame);
        return;
      }
      case "event":
        this.p.events.record({ ts: msg.ts, node, kind: msg.kind, cluster: msg.cluster ?? null, details: msg.details });
        return;
      case "spans":
        this.p.traces.add(node, msg.spans, this.p.routeOf);
        this.p.zipkin.add(msg.spans);
        return;
      case "clusters":
        this.p.clusters.ingest(node, msg);
        this.p.outbox?.clusterReport(node, msg);
        return;
      case "access_log":
        this.p.accessLog.add(node, msg.entries, msg.dropped);
        return;
      case "request_sample":
        // the impact preview's request heads (lib/impact/)
        requestSampleStore().add(node, msg);
        return;
      default:
        // a message type this console does not consume (yet): the hub already checked it is in the protocol
        return;
    }
  }
}
