// One bound listener: a TCP server that, per connection, picks a filter chain (by SNI on TLS listeners,
// Envoy's tls_inspector) and hands the socket to that chain's network filter: the HTTP connection manager
// through the chain's HTTP codec (codec.ts), or the tcp_proxy (src/tcp/), behind a TlsTerminator on TLS chains.
// A config swap replaces the chain set in one assignment: new connections use the new chains (routes, clusters,
// certificates) while open ones finish on the codec or tcp_proxy they started on, which drains them.
import cluster from "node:cluster";
import net from "node:net";
import { performance } from "node:perf_hooks";
import type https from "node:https";
import { isTcpProxyFilter, type FilterChain, type Listener as ListenerConfig } from "../config/schema";
import type { HttpConnectionManager as HcmConfig, TcpProxy as TcpProxyConfig } from "../config/schema";
import type { ConnectionManager } from "../http/connection-manager";
import type { TcpProxy } from "../tcp/tcp-proxy";
import type { StatsStore } from "../stats/store";
import { HttpCodec } from "./codec";
import { ListenerStats, listenerScopeName } from "./listener-stats";
import { FilterChainMatcher } from "./filter-chain-match";
import { peekClientHello } from "./tls-inspector";
import { TlsTerminator } from "./tls-terminator";
import { sameTls, sameTlsSettings, tlsOptions } from "./tls-context";
import { NO_SECRETS, type SecretSet } from "../tls/material";

export { tlsOptions } from "./tls-context";

/** Envoy's listener_filters_timeout default: a client must send its ClientHello within 15 s. */
const INSPECT_TIMEOUT_MS = 15_000;

export class Chain {
  readonly serverNames: readonly string[];
  /** HTTP chains: the codec, created with the first connection */
  codec: HttpCodec | null = null;
  /** tcp_proxy chains with TLS: terminates it, created with the first connection */
  tlsTerminator: TlsTerminator | null = null;
  constructor(
    readonly config: FilterChain,
    /** the chain's network filter: exactly one of the two */
    readonly hcm: ConnectionManager | null,
    readonly tcpProxy: TcpProxy | null,
    /** node TLS server options, null for plaintext */
    readonly tls: https.ServerOptions | null,
    readonly requireSni: boolean,
  ) {
    this.serverNames = config.filter_chain_match?.server_names ?? [];
  }
}

export type ChainSet = FilterChainMatcher<Chain>;

export type MakeHcm = (hcm: HcmConfig, listener: ListenerConfig) => ConnectionManager;
export type MakeTcpProxy = (tcp: TcpProxyConfig, listener: ListenerConfig) => TcpProxy;

function noTcpProxy(): never {
  throw new Error("tcp_proxy filter chains need a TcpProxy factory");
}

/**
 * Builds the chains of a listener config; reads certificate files and the secrets the TLS contexts name (throws
 * with the field path on failure).
 */
export function buildChains(cfg: ListenerConfig, makeHcm: MakeHcm, makeTcpProxy: MakeTcpProxy = noTcpProxy, secrets: SecretSet = NO_SECRETS): ChainSet {
  const build = (fc: FilterChain, path: string) => {
    const ts = fc.transport_socket?.typed_config;
    const f = fc.filters[0];
    const tls = ts ? tlsOptions(ts, `listener ${cfg.name}: ${path}.transport_socket`, secrets) : null;
    if (isTcpProxyFilter(f)) return new Chain(fc, null, makeTcpProxy(f.typed_config, cfg), tls, ts?.require_sni === true);
    return new Chain(fc, makeHcm(f.typed_config, cfg), null, tls, ts?.require_sni === true);
  };
  const chains = cfg.filter_chains.map((fc, i) => build(fc, `filter_chains[${i}]`));
  const fallback = cfg.default_filter_chain ? build(cfg.default_filter_chain, "default_filter_chain") : null;
  return new FilterChainMatcher(chains, fallback);
}

export class Listener {
  readonly server: net.Server;
  config: ListenerConfig;
  #chains: ChainSet;
  /** codecs of replaced chain sets, still serving the connections they already had */
  #retired: HttpCodec[] = [];
  /** tcp_proxy chains, current or replaced, that took connections; a replaced one leaves once they are gone */
  #tcpChains = new Set<Chain>();
  #store: StatsStore;
  #closing = false;
  /** known once bound: a listener on port 0 is named by the port it got */
  #st: ListenerStats | null = null;

  constructor(config: ListenerConfig, chains: ChainSet, store: StatsStore) {
    this.config = config;
    this.#chains = chains;
    this.#store = store;
    this.server = net.createServer({ noDelay: true }, (socket) => this.#onConnection(socket));
  }

  /** The connection manager of the first HTTP filter chain (tests, admin); null on a tcp_proxy-only listener. */
  get hcm(): ConnectionManager | null {
    return allChains(this.#chains).find((c) => c.hcm !== null)?.hcm ?? null;
  }

  get key(): string {
    const sa = this.config.address.socket_address;
    return `${sa.address}:${sa.port_value}`;
  }

  /** The bound address, e.g. 127.0.0.1:8080 (real port when configured with 0). */
  get boundAddress(): string {
    const a = this.server.address();
    if (a && typeof a === "object") return `${a.address}:${a.port}`;
    return this.key;
  }

  get port(): number {
    const a = this.server.address();
    return a && typeof a === "object" ? a.port : this.config.address.socket_address.port_value;
  }

  listen(): Promise<void> {
    const sa = this.config.address.socket_address;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once("error", onError);
      // in a --concurrency N worker the cluster primary holds the socket and shares it between the workers
      this.server.listen({ host: sa.address, port: sa.port_value, exclusive: !cluster.isWorker }, () => {
        this.server.off("error", onError);
        this.server.on("error", () => {}); // runtime socket errors are per connection; never crash
        this.#st = new ListenerStats(this.#store, listenerScopeName(this.config, this.boundAddress));
        this.#bindStats(this.#chains);
        resolve();
      });
    });
  }

  /**
   * Config swap: new connections use `chains`. Open connections move to the successor chain's HCM (same
   * server names, else whatever their chain's first name now selects), so keep-alive clients never see a
   * reset. A codec whose only TLS change is its certificates or CAs (a rotated secret) keeps its connections and
   * takes the new material for new handshakes (server.setSecureContext, as Envoy's SDS updates a context in
   * place). A codec whose TLS settings changed, or whose chain is gone, drains: each response closes its
   * connection, and what is left is closed after `drainMs`. A tcp_proxy chain whose config is unchanged keeps
   * its connections open; any other drains: its connections are closed after `drainMs` (tcp_proxy has no
   * graceful way to end a byte stream, so Envoy closes them when the drain time is over).
   */
  update(config: ListenerConfig, chains: ChainSet, drainMs: number) {
    this.config = config;
    const old = this.#chains;
    this.#chains = chains;
    // a new stat_prefix moves the listener's stats (connections already open finish on the old ones)
    const scopeName = listenerScopeName(config, this.boundAddress);
    if (this.#st !== null && this.#st.scope.prefix !== `${scopeName}.`) this.#st = new ListenerStats(this.#store, scopeName);
    this.#bindStats(chains);
    const next = allChains(chains);
    const retired: HttpCodec[] = [];
    const retiredTcp = this.#retireTcpChains(next);
    for (const prev of allChains(old)) {
      const codec = prev.codec;
      if (codec === null) continue;
      const key = prev.serverNames.join(",");
      let successor = next.find((c) => c.serverNames.join(",") === key) ?? chains.select(prev.serverNames[0] ?? "");
      // an HTTP connection cannot move to a tcp_proxy chain
      if (successor?.hcm == null) successor = null;
      if (successor !== null) codec.setHcm(successor.hcm!);
      if (successor !== null && successor.codec === null && sameTls(prev.tls, successor.tls)) {
        successor.codec = codec;
        continue;
      }
      if (successor !== null && successor.codec === null && successor.tls !== null && sameTlsSettings(prev.tls, successor.tls)) {
        codec.setSecureContext(successor.tls);
        successor.codec = codec;
        continue;
      }
      codec.draining = true;
      codec.stop();
      retired.push(codec);
      this.#retired.push(codec);
    }
    if (retired.length || retiredTcp.length) {
      const t = setTimeout(() => {
        for (const codec of retired) codec.closeAll();
        this.#retired = this.#retired.filter((c) => !retired.includes(c));
        for (const c of retiredTcp) closeTcpChain(c);
      }, drainMs);
      t.unref();
    }
  }

  /**
   * The tcp_proxy chains that took connections and are not in `next`: one with an identical successor (same
   * names, filter, TLS) stays and its connections run on; the others are returned, to be closed after the drain.
   */
  #retireTcpChains(next: readonly Chain[]): Chain[] {
    const retired: Chain[] = [];
    for (const prev of this.#tcpChains) {
      if (next.includes(prev)) continue;
      if (prev.tcpProxy!.sessions.size === 0) {
        this.#tcpChains.delete(prev);
        continue;
      }
      const same = JSON.stringify(prev.config);
      if (next.some((c) => c.tcpProxy !== null && JSON.stringify(c.config) === same)) continue;
      this.#tcpChains.delete(prev);
      retired.push(prev);
    }
    return retired;
  }

  /** Stop accepting; close idle keep-alive connections now and force the rest after `drainMs`. */
  close(drainMs: number): Promise<void> {
    if (this.#closing) return Promise.resolve();
    this.#closing = true;
    const codecs = () => [...this.#retired, ...this.#codecs()];
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        for (const c of codecs()) c.closeAll();
        // sockets still waiting for a ClientHello
        for (const s of this.#inspecting) s.destroy();
        for (const c of this.#tcpChains) closeTcpChain(c);
      }, drainMs);
      force.unref();
      this.server.close(() => {
        clearTimeout(force);
        for (const c of codecs()) c.stop();
        resolve();
      });
      for (const c of codecs()) c.closeIdle();
    });
  }

  #codecs(): HttpCodec[] {
    return allChains(this.#chains)
      .map((c) => c.codec)
      .filter((c): c is HttpCodec => c !== null);
  }

  #inspecting = new Set<net.Socket>();

  /** The chains' HCMs get their per listener HTTP stats; TLS chains' certificates their expiration gauges. */
  #bindStats(set: ChainSet) {
    const st = this.#st;
    if (st === null) return;
    const all = allChains(set);
    for (const c of all) c.hcm?.stats.bindListener(st.scope);
    const pems = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
    st.setCertificates(
      all.flatMap((c) => (c.tls === null ? [] : [{ ctx: c.config.transport_socket!.typed_config, certs: pems(c.tls.cert), ca: c.tls.ca === undefined ? null : pems(c.tls.ca)[0] }])),
    );
  }

  #onConnection(socket: net.Socket) {
    const st = this.#st;
    st?.cxTotal.inc();
    st?.cxActive.inc();
    const openedMs = performance.now();
    socket.once("close", () => {
      if (st === null) return;
      st.cxActive.dec();
      st.cxDestroy.inc();
      st.cxLengthMs.recordMs(performance.now() - openedMs);
    });
    socket.on("error", () => {}); // a reset before the codec owns the socket must not crash
    const set = this.#chains;
    if (!inspectsClientHello(set)) return this.#dispatch(set, socket, "");
    // TLS listener: read the ClientHello (without consuming it) to choose the chain by SNI
    let buf: Buffer = Buffer.alloc(0);
    this.#inspecting.add(socket);
    const timer = setTimeout(() => socket.destroy(), INSPECT_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      this.#inspecting.delete(socket);
      socket.off("data", onData);
      socket.off("close", done);
    };
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const peek = peekClientHello(buf);
      if (peek.kind === "more") return;
      done();
      socket.pause();
      socket.unshift(buf);
      this.#dispatch(set, socket, peek.kind === "tls" ? peek.serverName : "");
    };
    socket.on("data", onData);
    socket.once("close", done);
  }

  #dispatch(set: ChainSet, socket: net.Socket, serverName: string) {
    const chain = set.select(serverName);
    if (chain === null || (chain.requireSni && serverName === "")) {
      this.#st?.noMatch.inc();
      if (chain !== null) this.#st?.ssl.connection_error.inc();
      socket.destroy();
      return;
    }
    const tcp = chain.tcpProxy;
    if (tcp !== null) {
      this.#tcpChains.add(chain);
      if (chain.tls === null) return tcp.onConnection(socket);
      chain.tlsTerminator ??= new TlsTerminator(chain.tls, this.#st?.ssl ?? null, (tlsSocket) => tcp.onConnection(tlsSocket));
      return chain.tlsTerminator.accept(socket);
    }
    chain.codec ??= new HttpCodec(chain.hcm!, chain.tls, this.#st?.ssl ?? null);
    chain.codec.accept(socket);
  }
}

function allChains(set: ChainSet): Chain[] {
  return set.fallback ? [...set.chains, set.fallback] : [...set.chains];
}

/** A tcp_proxy chain's drain ran out of time: its connections (and TLS handshakes) close now. */
function closeTcpChain(c: Chain) {
  c.tlsTerminator?.destroyAll();
  c.tcpProxy!.closeAll();
}

/**
 * The ClientHello is read when a chain terminates TLS or is chosen by server name: a TLS passthrough tcp_proxy
 * chain has no transport_socket, yet SNI picks it, as Envoy's tls_inspector lets it.
 */
function inspectsClientHello(set: ChainSet): boolean {
  return allChains(set).some((c) => c.tls !== null || c.serverNames.length > 0);
}
