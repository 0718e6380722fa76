// The access log destinations of one process (Envoy's AccessLogManager): files by path, opened once and shared by
// every logger that names them, plus stdout and stderr. A config swap keeps the files both configs use open and
// writing; files only the old config used are flushed and closed once its connections had time to drain.
import fs from "node:fs";
import type { StatsStore } from "../stats/store";
import { sharedStreamSink } from "../log/logger";
import { ACCESS_LOG_DROPPED_LINES_STAT, FileDestination, LogWriter, StreamDestination, accessLogFileStats, type AccessLogFileStats } from "./log-writer";

export interface AccessLogOutputsOptions {
  /** Envoy's file_flush_interval_msec (default 1000) */
  flushIntervalMs?: number;
  /** the standard streams (tests pass their own) */
  io?: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };
}

export class AccessLogOutputs {
  readonly stats: AccessLogFileStats;
  readonly #flushIntervalMs: number;
  readonly #io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };
  /** open files and the two streams, by path ("/dev/stdout" and "/dev/stderr" are the streams) */
  readonly #writers = new Map<string, LogWriter>();
  /** paths the serving config uses, and the ones the config being built asked for */
  #live = new Set<string>();
  #building = new Set<string>();
  readonly #retiring = new Map<string, NodeJS.Timeout>();

  constructor(store: StatsStore, opts: AccessLogOutputsOptions = {}) {
    this.stats = accessLogFileStats(store.scope("filesystem"), store.counter(ACCESS_LOG_DROPPED_LINES_STAT));
    this.#flushIntervalMs = opts.flushIntervalMs ?? 1000;
    this.#io = opts.io ?? process;
  }

  stdout(): LogWriter {
    return this.#acquire("/dev/stdout");
  }

  stderr(): LogWriter {
    return this.#acquire("/dev/stderr");
  }

  /**
   * The writer of `path`, opening the file for appending on first use. Throws when it cannot be opened: Envoy
   * refuses such a config ("unable to open file"), and so does the apply.
   */
  file(path: string): LogWriter {
    return this.#acquire(path);
  }

  /** The config built since the last commit/abort now serves: close what only the previous one used. */
  commit(drainMs: number) {
    this.#live = this.#building;
    this.#building = new Set();
    for (const path of this.#writers.keys()) if (!this.#live.has(path) && !this.#retiring.has(path)) this.#retire(path, drainMs);
  }

  /** The config being built was refused: close the files only it opened. */
  abort() {
    for (const path of this.#building) if (!this.#live.has(path) && !this.#retiring.has(path)) this.#retire(path, 0);
    this.#building = new Set();
  }

  /** Writes out everything buffered (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.#writers.values()].map((w) => w.flush()));
  }

  /**
   * Reopens every file (after logrotate moved it), as Envoy does on `POST /reopen_logs`; a file that cannot be
   * reopened keeps its old descriptor and counts `filesystem.reopen_failed`.
   */
  async reopen(): Promise<void> {
    await Promise.all(
      [...this.#writers].map(async ([path, w]) => {
        if (path === "/dev/stdout" || path === "/dev/stderr") return;
        let fd: number;
        try {
          fd = fs.openSync(path, "a");
        } catch {
          this.stats.c.reopen_failed.inc();
          return;
        }
        await w.replaceDestination(new FileDestination(fd));
      }),
    );
  }

  async close(): Promise<void> {
    for (const t of this.#retiring.values()) clearTimeout(t);
    this.#retiring.clear();
    const all = [...this.#writers.values()];
    this.#writers.clear();
    await Promise.all(all.map((w) => w.close()));
  }

  #acquire(path: string): LogWriter {
    this.#building.add(path);
    const retiring = this.#retiring.get(path);
    if (retiring !== undefined) {
      clearTimeout(retiring);
      this.#retiring.delete(path);
    }
    let w = this.#writers.get(path);
    if (w === undefined) {
      w = new LogWriter(path, this.#destination(path), this.stats, this.#flushIntervalMs);
      this.#writers.set(path, w);
    }
    return w;
  }

  #destination(path: string) {
    const lateFailure = () => this.stats.c.write_failed.inc();
    if (path === "/dev/stdout") return new StreamDestination(sharedStreamSink(this.#io.stdout), lateFailure);
    if (path === "/dev/stderr") return new StreamDestination(sharedStreamSink(this.#io.stderr), lateFailure);
    try {
      return new FileDestination(fs.openSync(path, "a"));
    } catch (err) {
      throw new Error(`cannot open access log file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  #retire(path: string, afterMs: number) {
    const close = () => {
      this.#retiring.delete(path);
      const w = this.#writers.get(path);
      if (w === undefined) return;
      this.#writers.delete(path);
      void w.close();
    };
    if (afterMs <= 0) return close();
    this.#retiring.set(path, setTimeout(close, afterMs).unref());
  }
}
