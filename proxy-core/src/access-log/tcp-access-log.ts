// The `access_log` of one tcp_proxy: one line per downstream connection, written when it closes (Envoy logs in
// the tcp_proxy filter's destructor, source/common/tcp_proxy/tcp_proxy.cc). The same loggers, formats and filters
// as the HCM's, with the command operators of a connection: the config refuses the HTTP-only ones
// (schema-tcp-proxy.ts), but Envoy's default format still uses them, and on a TCP connection Envoy prints them
// as unset (`"- - -" 0 - …`), so they evaluate to that here.
import fs from "node:fs";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { AccessLog } from "../config/schema";
import { TCP_ACCESS_LOG_OPERATORS } from "../config/schema-tcp-proxy";
import { DEFAULT_ACCESS_LOG_FORMAT, parseSubstitutionFormat, type FormatOperator } from "../config/substitution-format";
import { responseFlagsLong, responseFlagsShort } from "../http/response-flags";
import { compileFilterFor, type FilterInputs, type LogFilter } from "./filter";
import { HOSTNAME, buildFormatterWith, connectionId, elapsedMs, type LogFormatter, type OperatorCompiler, type ValueOf } from "./format-compiler";
import { loggerWriter } from "./hcm-access-log";
import type { LogWriter } from "./log-writer";
import type { AccessLogOutputs } from "./outputs";
import { compileTimeFormat } from "./start-time";

/** An address as Envoy prints it (`ip:port`, IPv6 in brackets), split for the `_WITHOUT_PORT` and `_PORT` forms. */
export interface LoggedAddress {
  readonly ip: string;
  readonly port: number;
  /** `ip:port` */
  readonly text: string;
}

/** What a finished tcp_proxy connection tells its access log (the part of Envoy's StreamInfo a TCP proxy fills). */
export interface TcpConnectionInfo {
  /** performance.now() when accepted and when both connections were closed */
  readonly startMs: number;
  readonly endMs: number;
  readonly downstream: Socket;
  readonly downstreamRemote: LoggedAddress | null;
  readonly downstreamLocal: LoggedAddress | null;
  /** the cluster of the last connect attempt, and its host */
  readonly clusterName: string | null;
  readonly upstreamHostLabel: string | null;
  /** the upstream connection's addresses, once one connected */
  readonly upstreamLocal: LoggedAddress | null;
  readonly upstreamRemote: LoggedAddress | null;
  readonly responseFlags: number;
  /** bytes read from the downstream, and written to it */
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** connect attempts (%UPSTREAM_REQUEST_ATTEMPT_COUNT%, Envoy's StreamInfo attempt count) */
  readonly attempts: number;
  /** why the last connect attempt failed ("delayed connect error: Connection refused"), "" if it did not */
  readonly transportFailure: string;
}

export function loggedAddress(ip: string | undefined, port: number | undefined): LoggedAddress | null {
  if (ip === undefined || port === undefined) return null;
  return { ip, port, text: ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}` };
}

type Value = ValueOf<TcpConnectionInfo>;

/** `X`, `X_WITHOUT_PORT` and `X_PORT` of one address. */
function addressOperators(command: string, of: (c: TcpConnectionInfo) => LoggedAddress | null): { value: Value; numeric: boolean } {
  if (command.endsWith("_WITHOUT_PORT")) return { value: (c) => of(c)?.ip ?? null, numeric: false };
  if (command.endsWith("_PORT")) return { value: (c) => of(c)?.port ?? null, numeric: true };
  return { value: (c) => of(c)?.text ?? null, numeric: false };
}

/** The value functions of a TCP connection's command operators. */
export const compileTcpOperator: OperatorCompiler<TcpConnectionInfo> = (op: FormatOperator) => {
  const num = (value: Value) => ({ value, numeric: true });
  const str = (value: Value) => ({ value, numeric: false });
  const c = op.command;
  // no PROXY protocol here: the direct peer is the downstream address
  if (c.startsWith("DOWNSTREAM_") && c.includes("REMOTE")) return addressOperators(c, (i) => i.downstreamRemote);
  if (c.startsWith("DOWNSTREAM_") && c.includes("LOCAL")) return addressOperators(c, (i) => i.downstreamLocal);
  if (c.startsWith("UPSTREAM_LOCAL_")) return addressOperators(c, (i) => i.upstreamLocal);
  if (c.startsWith("UPSTREAM_REMOTE_")) return addressOperators(c, (i) => i.upstreamRemote);
  switch (c) {
    case "START_TIME": {
      const f = compileTimeFormat(op.param);
      return str((i) => f(performance.timeOrigin + i.startMs));
    }
    case "DURATION": return num((i) => elapsedMs(i.startMs, i.endMs));
    case "BYTES_RECEIVED": return num((i) => i.bytesReceived);
    case "BYTES_SENT": return num((i) => i.bytesSent);
    case "RESPONSE_FLAGS": return str((i) => responseFlagsShort(i.responseFlags));
    case "RESPONSE_FLAGS_LONG": return str((i) => responseFlagsLong(i.responseFlags));
    case "UPSTREAM_HOST": return str((i) => i.upstreamHostLabel);
    case "UPSTREAM_CLUSTER":
    case "UPSTREAM_CLUSTER_RAW": return str((i) => i.clusterName);
    // Envoy prints it with spaces turned into underscores
    case "UPSTREAM_TRANSPORT_FAILURE_REASON": return str((i) => (i.transportFailure === "" ? null : i.transportFailure.replace(/ /g, "_")));
    case "UPSTREAM_REQUEST_ATTEMPT_COUNT": return num((i) => i.attempts);
    case "HOSTNAME": return str(() => HOSTNAME);
    case "CONNECTION_ID": return num((i) => connectionId(i.downstream));
    // on a connection Envoy prints no response code as 0 (only Envoy's default format can reach this)
    case "RESPONSE_CODE": return num(() => 0);
    default:
      // the HTTP-only operators of Envoy's default format: unset on a connection
      return str(() => null);
  }
};

const TCP_FILTER_INPUTS: FilterInputs<TcpConnectionInfo> = {
  statusCode: () => 0,
  durationMs: (i) => Math.floor(i.endMs - i.startMs),
  responseFlags: (i) => i.responseFlags,
};

/** A format file is read when the config loads: its operators get the same check as an inline format. */
function readTcpFormatFile(path: string): string {
  const text = fs.readFileSync(path, "utf8");
  const parts = parseSubstitutionFormat(text);
  if (parts.ok)
    for (const p of parts.value)
      if (typeof p !== "string" && !TCP_ACCESS_LOG_OPERATORS.has(p.command))
        throw new Error(`${path}: command operator ${p.text} is HTTP-only: a tcp_proxy access log cannot use it`);
  return text;
}

interface TcpLogger {
  readonly filter: LogFilter<TcpConnectionInfo> | null;
  readonly formatter: LogFormatter<TcpConnectionInfo>;
  readonly writer: LogWriter;
}

export class TcpAccessLog {
  readonly #loggers: TcpLogger[];
  /** lines a formatter failed to produce (a bug, never expected): counted, never thrown */
  failed = 0;

  /** `where` names the tcp_proxy in errors (a file that cannot be opened refuses the config). */
  constructor(configs: readonly AccessLog[], outputs: AccessLogOutputs, where: string) {
    this.#loggers = configs.map((c, i) => {
      const t = c.typed_config;
      try {
        const filter = c.filter === undefined ? null : compileFilterFor(c.filter, TCP_FILTER_INPUTS);
        return { filter, formatter: buildFormatterWith(t, readTcpFormatFile, compileTcpOperator, DEFAULT_ACCESS_LOG_FORMAT), writer: loggerWriter(t, outputs) };
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new Error(`${where}: access_log[${i}]: ${e.code === "ENOENT" ? `cannot read ${e.path}` : e.message}`);
      }
    });
  }

  log(info: TcpConnectionInfo) {
    for (const l of this.#loggers) {
      try {
        if (l.filter === null || l.filter(info)) l.writer.write(l.formatter.format(info));
      } catch {
        this.failed++;
      }
    }
  }
}
