// Shared by the HTTP/1.1 conformance, smuggling and differential tests: an in-process worker routing everything to
// the raw upstream (kit/raw-http.ts), and one exchange helper that reports both ends of the proxy: what the client
// got back, and which requests the upstream received meanwhile, strictly parsed (kit/http1-wire.ts).
import type { HttpConnectionManager } from "../../src/config/schema";
import { header, type WireMessage } from "../kit/http1-wire";
import { rawExchange, startRawUpstream, type RawOptions, type RawReply, type RawUpstream, type RawUpstreamOptions } from "../kit/raw-http";
import { cluster, listener, startProxy, type Harness } from "./harness";

export interface H1Rig {
  h: Harness;
  u: RawUpstream;
  close(): Promise<void>;
}

/** A worker with one listener routing every path to the raw upstream; `hcm` is merged into its connection manager. */
export async function startH1Rig(hcm: Partial<HttpConnectionManager> = {}, upstream: RawUpstreamOptions = {}): Promise<H1Rig> {
  const u = await startRawUpstream(upstream);
  const l = listener("main", [{ match: { prefix: "/" }, route: { cluster: "svc" } }]);
  Object.assign(l.filter_chains[0].filters[0].typed_config, hcm);
  const h = await startProxy([l], [cluster("svc", [u.port])]);
  return {
    h,
    u,
    close: async () => {
      await h.close();
      await u.close();
    },
  };
}

export interface H1Result extends RawReply {
  /** the requests the upstream received during this exchange */
  upstream: WireMessage[];
  /** the status of each response */
  statuses: number[];
}

/**
 * Sends `bytes` through the worker on a fresh connection and reports the client's side and the upstream's. The
 * exchange ends when the worker closes, `opts.responses` arrived, or nothing came for `idleMs` (default 150 ms:
 * a smuggled request would have reached the upstream long before).
 */
export async function h1(rig: H1Rig, bytes: string | Buffer, opts: RawOptions = {}): Promise<H1Result> {
  const before = rig.u.requests().length;
  const r = await rawExchange(rig.h.port, bytes, { idleMs: 150, ...opts });
  return { ...r, upstream: rig.u.requests().slice(before), statuses: r.responses.map((m) => m.status) };
}

/** A request's bytes: request line, field lines, an empty line, then `body` (latin1). */
export function req(line: string, fields: string[] = [], body = ""): string {
  return `${line}\r\n${fields.map((f) => `${f}\r\n`).join("")}\r\n${body}`;
}

/** The headers hop-by-hop per RFC 9110 §7.6.1 that a proxy must never forward (the upstream hop's own `connection` aside). */
export const HOP_BY_HOP = ["keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];

/** Method, target and body of an upstream request, as one comparable value. */
export function seen(m: WireMessage) {
  return { method: m.method, target: m.target, body: m.body.toString("latin1") };
}

/** Whether any hop-by-hop header (or a header the client's Connection named) reached the upstream. */
export function forwardedHopByHop(m: WireMessage, alsoNamed: string[] = []): string[] {
  const bad = [...HOP_BY_HOP, ...alsoNamed.map((n) => n.toLowerCase())];
  const leaked = m.headers.map(([n]) => n).filter((n) => bad.includes(n));
  const conn = header(m, "connection");
  // the upstream hop's own Connection header may only carry keep-alive/close
  if (conn !== undefined && !/^(keep-alive|close)$/i.test(conn)) leaked.push(`connection: ${conn}`);
  return leaked;
}
