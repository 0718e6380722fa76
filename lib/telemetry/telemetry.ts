// The console's telemetry, put together: the hub feeds `ingest`, route handlers read through `queries` and
// `live` (via registry.ts), and this starts and stops the background parts (rollup and event batches, the
// retention pruner, the Zipkin forwarder, the exchange of live frames with the other console replicas) and applies
// the settings to them.
import type { ZipkinSpan } from "../../proxy-core/src/config/index";
import type { Settings } from "../contract/settings";
import type { Resources } from "../config/draft-mapper";
import { insertEvents, maxEventId, deleteEventsBefore } from "../repos/event-repo";
import { reserveIds } from "../repos/id-block-repo";
import { deleteLiveFramesBefore, insertLiveFrames, liveFramesAfter } from "../repos/live-frame-repo";
import { deleteRollupsBefore, insertRollups } from "../repos/rollup-repo";
import { replicaId } from "../replicas/replica-id";
import { AccessLogStore } from "./access-log-store";
import { summarize, seriesPoints } from "./aggregate";
import { ClusterReports } from "./cluster-reports";
import { EventLog } from "./event-log";
import { FrameExchange, READ_AT_MS } from "./frame-exchange";
import { TelemetryIngest } from "./ingest";
import { LiveChannel } from "./live-channel";
import { LiveWindow } from "./live-window";
import { TelemetryQueries } from "./queries";
import { Retention } from "./retention";
import { RouteResolver } from "./route-resolver";
import { Rollups } from "./rollups";
import { TraceStore } from "./trace-store";
import { ZipkinForwarder } from "./zipkin-forwarder";

export interface TelemetryOptions {
  /** the live version's resources: which clusters exist, which route served a traced request */
  liveResources: () => Resources | null;
  settings: Settings;
  log?: (m: string) => void;
  now?: () => number;
  /** this process's replica id (default: lib/replicas/replica-id.ts) */
  replica?: string;
  /** false: the live frames are exchanged only when `exchange.publish()` / `exchange.pull()` are called (a console alone on SQLite, tests) */
  exchangeTimer?: boolean;
}

/** the live channel's tick waits this long after the second ends: for the other replicas' frames of it */
const REPLICAS_TICK_DELAY_MS = READ_AT_MS + 100;

export class Telemetry {
  readonly window = new LiveWindow();
  readonly traces = new TraceStore();
  readonly clusters = new ClusterReports();
  readonly accessLog = new AccessLogStore();
  readonly rollups: Rollups;
  readonly events: EventLog;
  readonly zipkin: ZipkinForwarder;
  readonly retention: Retention;
  readonly ingest: TelemetryIngest;
  readonly queries: TelemetryQueries;
  readonly live: LiveChannel;
  readonly exchange: FrameExchange;
  #settings: Settings;
  #resolver: { resources: Resources | null; resolver: RouteResolver | null } = { resources: null, resolver: null };
  #lastTickSeq = 0;
  #idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: TelemetryOptions) {
    const log = (m: string) => (o.log ?? console.log)(`[telemetry] ${m}`);
    const now = o.now ?? Date.now;
    this.#settings = o.settings;
    const replica = o.replica ?? replicaId();
    this.rollups = new Rollups({ insert: (rows) => insertRollups(rows) }, { now, log, replica });
    this.events = new EventLog({ insert: (e) => insertEvents(e), reserve: (n) => reserveIds("event", n, async () => (await maxEventId()) + 1) }, log);
    this.zipkin = new ZipkinForwarder(log);
    this.zipkin.setUrl(o.settings.zipkinCollectorUrl);
    this.retention = new Retention({ deleteRollupsBefore, deleteEventsBefore }, { hours: () => this.#settings.retentionHours, now, log });
    this.exchange = new FrameExchange(
      { insert: insertLiveFrames, after: liveFramesAfter, prune: deleteLiveFramesBefore },
      {
        replica, window: this.window, events: this.events, clusters: this.clusters, holds: (node) => this.ingest.nodes.has(node),
        unpersistedSince: (step) => this.rollups.unpersistedSince(step), now, log,
      },
    );
    this.ingest = new TelemetryIngest({
      window: this.window, rollups: this.rollups, events: this.events, traces: this.traces, zipkin: this.zipkin, clusters: this.clusters, accessLog: this.accessLog,
      outbox: this.exchange, routeOf: (s) => this.#routeOf(s), now,
    });
    const liveClusters = () => (o.liveResources()?.clusters ?? []).map((c: { name?: unknown }) => String(c?.name ?? ""));
    this.queries = new TelemetryQueries({
      window: this.window, rollups: this.rollups, events: this.events, traces: this.traces, clusters: this.clusters, ingest: this.ingest, liveClusters,
      remoteUnpersistedSince: (step) => this.exchange.remoteUnpersistedSince(step), now,
    });
    this.live = new LiveChannel((sec) => this.tickOf(sec), now, () => (this.exchange.othersActive() ? REPLICAS_TICK_DELAY_MS : undefined));
  }

  get settings(): Settings {
    return this.#settings;
  }

  async start() {
    await this.events.start();
    this.#lastTickSeq = this.events.seq;
    this.rollups.start();
    if (this.o.exchangeTimer !== false) this.exchange.start();
    this.zipkin.start();
    this.retention.start();
    this.#idleTimer = setInterval(() => this.window.forgetIdle(Math.floor((this.o.now ?? Date.now)() / 1000)), 60_000);
    this.#idleTimer.unref();
  }

  /** Writes what is still in memory (open rollup buckets, pending events) and stops the background work. */
  async stop() {
    if (this.#idleTimer) clearInterval(this.#idleTimer);
    this.live.stop();
    await this.exchange.stop();
    await this.retention.stop();
    await Promise.all([this.rollups.stop(), this.events.stop(), this.zipkin.stop()]);
  }

  settingsChanged(s: Settings) {
    const shorter = s.retentionHours < this.#settings.retentionHours;
    this.#settings = s;
    this.zipkin.setUrl(s.zipkinCollectorUrl);
    if (shorter) void this.retention.prune();
  }

  #routeOf(s: ZipkinSpan): string | null {
    const resources = this.o.liveResources();
    if (resources !== this.#resolver.resources) {
      let resolver: RouteResolver | null = null;
      try {
        resolver = resources ? new RouteResolver(resources) : null;
      } catch {
        resolver = null;
      }
      this.#resolver = { resources, resolver };
    }
    return this.#resolver.resolver?.resolve(s.localEndpoint.port, s.tags["http.url"], s.tags["http.method"]) ?? null;
  }

  /** The live channel's tick of second `sec` (epoch seconds): computed once a second for every subscriber. */
  tickOf(sec: number) {
    const from = sec * 1000;
    const to = from + 1000;
    const frames = [...this.window.frames(from, to)];
    const point = (node?: string) => {
      const p = seriesPoints(frames, { node }, from, to, 1000)[0];
      return { ...p, activeConnections: this.queries.activeConnections(node, sec) };
    };
    const nodes: Record<string, ReturnType<typeof point>> = {};
    for (const n of this.window.nodes()) nodes[n] = point(n);
    const s = summarize(frames, undefined, 1);
    // by arrival, not by id: ids of different replicas are not in time order
    const events = this.events.since(this.#lastTickSeq);
    this.#lastTickSeq = this.events.seq;
    return { t: from, fleet: point(), nodes, routes: s.routes, clusters: s.clusters, events };
  }
}
