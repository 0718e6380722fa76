// Stats of one listener, rooted at `listener.<address>.` (`:` as `_`, e.g. `listener.127.0.0.1_8080.`) or at
// `listener.<stat_prefix>.` when the listener sets one: Envoy's docs/root/configuration/listeners/stats.rst,
// the TLS ones from docs/root/_include/ssl_stats.rst and the certificate gauges from cert_stats.rst.
import crypto from "node:crypto";
import type { TLSSocket } from "node:tls";
import type { DownstreamTlsContext, Listener as ListenerConfig } from "../config/schema";
import type { Counter, Gauge, Histogram, Scope, StatsStore } from "../stats/store";
import { sanitizeStatName } from "../stats/store";
import { certificateNames } from "./tls-context";

export const LISTENER_COUNTERS = ["downstream_cx_total", "downstream_cx_destroy", "no_filter_chain_match"] as const;
export const LISTENER_GAUGES = ["downstream_cx_active"] as const;
export const LISTENER_HISTOGRAMS = ["downstream_cx_length_ms"] as const;
/** created with the listener; `ssl.versions.<v>` and `ssl.ciphers.<c>` appear with the first handshake using them */
export const LISTENER_SSL_COUNTERS = ["handshake", "connection_error", "fail_verify_no_cert", "fail_verify_error", "no_certificate", "session_reused"] as const;

/**
 * `listener.<stat_prefix>` or `listener.<address>` with `:` as `_` (Envoy's ListenerImpl listener scope); an
 * IPv6 address keeps Envoy's brackets (`[::1]:8080` → `[__1]_8080`), which its tag extractor expects.
 */
export function listenerScopeName(config: ListenerConfig, boundAddress: string): string {
  if (config.stat_prefix) return `listener.${config.stat_prefix}`;
  const colon = boundAddress.lastIndexOf(":");
  const host = boundAddress.slice(0, colon);
  const address = host.includes(":") && !host.startsWith("[") ? `[${host}]${boundAddress.slice(colon)}` : boundAddress;
  return `listener.${sanitizeStatName(address)}`;
}

export class ListenerSslStats {
  readonly handshake: Counter;
  readonly connection_error: Counter;
  readonly fail_verify_no_cert: Counter;
  readonly fail_verify_error: Counter;
  readonly no_certificate: Counter;
  readonly session_reused: Counter;
  readonly #dynamic = new Map<string, Counter>();

  /** `ssl`: `listener.<address>.ssl.` */
  constructor(private readonly ssl: Scope) {
    this.handshake = ssl.counter("handshake");
    this.connection_error = ssl.counter("connection_error");
    this.fail_verify_no_cert = ssl.counter("fail_verify_no_cert");
    this.fail_verify_error = ssl.counter("fail_verify_error");
    this.no_certificate = ssl.counter("no_certificate");
    this.session_reused = ssl.counter("session_reused");
  }

  /** A completed handshake (once per connection): handshake, session reuse, client certificate, version, cipher. */
  onHandshake(socket: TLSSocket) {
    this.handshake.inc();
    if (socket.isSessionReused()) this.session_reused.inc();
    if ((socket.getPeerCertificate() as { raw?: Buffer } | null)?.raw === undefined) this.no_certificate.inc();
    const version = socket.getProtocol();
    if (version) this.#counter(`versions.${version}`).inc();
    const cipher = socket.getCipher()?.name;
    if (cipher) this.#counter(`ciphers.${cipher}`).inc();
  }

  /** A failed handshake: connection_error, and why when the client's certificate was the reason. */
  onHandshakeError(err: Error & { code?: string }) {
    this.connection_error.inc();
    const code = err.code ?? "";
    if (code === "ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE") this.fail_verify_no_cert.inc();
    else if (/CERTIFICATE_VERIFY_FAILED|UNKNOWN_CA|ERR_SSL_TLSV1_ALERT_UNKNOWN_CA/.test(code)) this.fail_verify_error.inc();
  }

  #counter(name: string): Counter {
    let c = this.#dynamic.get(name);
    if (c === undefined) this.#dynamic.set(name, (c = this.ssl.counter(name)));
    return c;
  }
}

export class ListenerStats {
  readonly scope: Scope;
  readonly cxTotal: Counter;
  readonly cxDestroy: Counter;
  readonly cxActive: Gauge;
  readonly cxLengthMs: Histogram;
  readonly noMatch: Counter;
  readonly ssl: ListenerSslStats;

  constructor(store: StatsStore, scopeName: string) {
    this.scope = store.scope(scopeName);
    const s = this.scope;
    this.cxTotal = s.counter("downstream_cx_total");
    this.cxDestroy = s.counter("downstream_cx_destroy");
    this.cxActive = s.gauge("downstream_cx_active");
    this.cxLengthMs = s.histogram("downstream_cx_length_ms");
    this.noMatch = s.counter("no_filter_chain_match");
    this.ssl = new ListenerSslStats(s.scope("ssl"));
  }

  /**
   * `ssl.certificate.<name>.expiration_unix_time_seconds` of every certificate a TLS filter chain serves, and of
   * its validation context's CA, named as Envoy names them (tls-context.ts certificateNames: the secret's name for
   * an SDS certificate).
   */
  setCertificates(contexts: readonly { ctx: DownstreamTlsContext; certs: readonly string[]; ca: string | null }[]) {
    for (const { ctx, certs, ca } of contexts) {
      const names = certificateNames(ctx);
      names.certs.forEach((name, i) => this.#expiry(name, certs[i]));
      if (names.ca !== null && ca !== null) this.#expiry(names.ca, ca);
    }
  }

  #expiry(name: string, pem: string | undefined) {
    if (pem === undefined) return;
    let expires: number;
    try {
      // the first certificate of a chain or bundle: the leaf, or the CA Envoy keeps as its ca_cert
      expires = Math.floor(Date.parse(new crypto.X509Certificate(pem).validTo) / 1000);
    } catch {
      return; // the TLS context already refused anything unreadable
    }
    this.scope.gauge(`ssl.certificate.${name}.expiration_unix_time_seconds`).set(expires);
  }
}
