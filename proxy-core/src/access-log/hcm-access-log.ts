// The `access_log` list of one HTTP connection manager, built when the config loads: each logger's filter,
// compiled formatter and destination. The connection manager calls log() once per finished stream (Envoy logs
// at stream end, conn_manager_impl.cc); a logger whose filter says no costs one predicate call.
import fs from "node:fs";
import type { AccessLog, AccessLoggerConfig } from "../config/schema";
import { FILE_ACCESS_LOG_TYPE, STDOUT_ACCESS_LOG_TYPE } from "../config/schema";
import type { Stream } from "../http/stream";
import { compileFilter, type LogFilter } from "./filter";
import { buildFormatter, type LogFormatter } from "./formatter";
import type { LogWriter } from "./log-writer";
import type { AccessLogOutputs } from "./outputs";
import type { AccessLogSampleQueue } from "./sample-queue";

/** What a ConnectionManager needs for access logging: the process's destinations and console sample. */
export interface AccessLogContext {
  outputs: AccessLogOutputs;
  sample: AccessLogSampleQueue | null;
  /** the listener this HCM serves (sample entries name it) */
  listener: string;
}

/** The destination of a logger: its file (opened now, shared by path), stdout or stderr. */
export function loggerWriter(t: AccessLoggerConfig, outputs: AccessLogOutputs): LogWriter {
  return t["@type"] === FILE_ACCESS_LOG_TYPE ? outputs.file(t.path) : t["@type"] === STDOUT_ACCESS_LOG_TYPE ? outputs.stdout() : outputs.stderr();
}

interface Logger {
  readonly filter: LogFilter | null;
  readonly formatter: LogFormatter;
  readonly writer: LogWriter;
}

export class HcmAccessLog {
  readonly #loggers: Logger[];
  /** lines a formatter failed to produce (a bug, never expected): counted, never thrown */
  failed = 0;

  /** `where` names the HCM in errors (a file that cannot be opened refuses the config). */
  constructor(configs: readonly AccessLog[], outputs: AccessLogOutputs, where: string) {
    this.#loggers = configs.map((c, i) => {
      const at = `${where}: access_log[${i}]`;
      const t = c.typed_config;
      try {
        const readFile = (path: string) => fs.readFileSync(path, "utf8");
        return { filter: c.filter === undefined ? null : compileFilter(c.filter), formatter: buildFormatter(t, readFile), writer: loggerWriter(t, outputs) };
      } catch (err) {
        throw new Error(`${at}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? `cannot read ${(err as NodeJS.ErrnoException).path}` : (err as Error).message}`);
      }
    });
  }

  log(s: Stream) {
    for (const l of this.#loggers) {
      try {
        if (l.filter === null || l.filter(s)) l.writer.write(l.formatter.format(s));
      } catch {
        this.failed++;
      }
    }
  }
}
