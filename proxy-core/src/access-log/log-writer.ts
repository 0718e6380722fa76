// Where access log lines go: Envoy's AccessLogFileImpl (source/common/access_log/access_log_manager_impl.cc). A
// line is appended to a buffer; the buffer is written out once it holds 64 KiB or when the flush interval
// (Envoy's file_flush_interval_msec, 1 s) has passed since the first line waiting, one write at a time, off the
// request path. Envoy's stdout/stderr loggers are the same machinery on the standard streams, and so are these.
// Nothing here throws: a failed write is counted (`filesystem.write_failed`) and its lines are dropped.
import fs from "node:fs";
import type { Counter, Gauge, Scope } from "../stats/store";
import type { StreamSink } from "../log/logger";

/** Envoy's file access log stats (ACCESS_LOG_FILE_STATS), rooted at `filesystem.` (access_log/stats.rst). */
export const ACCESS_LOG_FILE_COUNTERS = ["flushed_by_timer", "reopen_failed", "write_buffered", "write_completed", "write_failed"] as const;
export const ACCESS_LOG_FILE_GAUGES = ["write_total_buffered"] as const;

export interface AccessLogFileStats {
  c: { [K in (typeof ACCESS_LOG_FILE_COUNTERS)[number]]: Counter };
  g: { [K in (typeof ACCESS_LOG_FILE_GAUGES)[number]]: Gauge };
  /** Signalbox's own: lines that never reached their destination (write failures, a full buffer, a dead stream) */
  droppedLines: Counter;
}

/** Signalbox's counter of access log lines that were lost; Envoy has none (it blocks instead of dropping). */
export const ACCESS_LOG_DROPPED_LINES_STAT = "server.access_log_dropped_lines";

export function accessLogFileStats(scope: Scope, droppedLines: Counter): AccessLogFileStats {
  return {
    c: Object.fromEntries(ACCESS_LOG_FILE_COUNTERS.map((n) => [n, scope.counter(n)])) as AccessLogFileStats["c"],
    g: Object.fromEntries(ACCESS_LOG_FILE_GAUGES.map((n) => [n, scope.gauge(n)])) as AccessLogFileStats["g"],
    droppedLines,
  };
}

/** Envoy's min_flush_size: a buffer this large is written without waiting for the timer. */
const MIN_FLUSH_BYTES = 64 * 1024;
/** Past this, new lines are dropped: a destination that stopped taking writes must not grow the heap without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** Takes one chunk at a time; `done(ok)` may be called synchronously. */
export interface Destination {
  write(data: string, done: (ok: boolean) => void): void;
  close(): void;
}

/** An append-only file descriptor. */
export class FileDestination implements Destination {
  #fd: number | null;
  constructor(fd: number) {
    this.#fd = fd;
  }
  write(data: string, done: (ok: boolean) => void) {
    const fd = this.#fd;
    if (fd === null) return done(false);
    const buf = Buffer.from(data);
    const next = (offset: number) =>
      fs.write(fd, buf, offset, buf.length - offset, null, (err, written) => {
        if (err) {
          // a closed descriptor will not recover; a full disk may
          if ((err as NodeJS.ErrnoException).code === "EBADF") this.#fd = null;
          return done(false);
        }
        if (offset + written < buf.length) return next(offset + written);
        done(true);
      });
    next(0);
  }
  close() {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    fs.close(fd, () => {});
  }
}

/** stdout / stderr through the process logger's sink (EPIPE marks the stream dead instead of throwing). */
export class StreamDestination implements Destination {
  constructor(
    private readonly sink: StreamSink,
    /** an asynchronous failure of a chunk already reported written */
    private readonly lateFailure: () => void,
  ) {}
  write(data: string, done: (ok: boolean) => void) {
    done(this.sink.write(data, this.lateFailure));
  }
  close() {}
}

export class LogWriter {
  #lines: string[] = [];
  #bytes = 0;
  #writing = false;
  #timer: NodeJS.Timeout | null = null;
  #idle: (() => void)[] = [];
  #closed = false;

  constructor(
    readonly name: string,
    private dest: Destination,
    private readonly stats: AccessLogFileStats,
    private readonly flushIntervalMs: number,
  ) {}

  write(line: string) {
    const st = this.stats;
    if (this.#closed || this.#bytes > MAX_BUFFERED_BYTES) {
      st.droppedLines.inc();
      return;
    }
    const n = Buffer.byteLength(line);
    this.#lines.push(line);
    this.#bytes += n;
    st.c.write_buffered.inc();
    st.g.write_total_buffered.set(st.g.write_total_buffered.value + n);
    if (this.#bytes >= MIN_FLUSH_BYTES) this.#flush(false);
    else if (this.#timer === null && !this.#writing) this.#timer = setTimeout(onFlushTimer, this.flushIntervalMs, this).unref();
  }

  /** Writes out what is buffered; resolves once nothing is buffered or being written. */
  flush(): Promise<void> {
    this.#flush(false);
    if (!this.#writing && this.#lines.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Flushes, then writes to `dest` from now on (a reopened file), closing the previous destination. */
  async replaceDestination(dest: Destination): Promise<void> {
    await this.flush();
    const old = this.dest;
    this.dest = dest;
    old.close();
  }

  /** Flushes, then closes the destination; later lines are dropped. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    this.dest.close();
  }

  onTimer() {
    this.#timer = null;
    this.#flush(true);
  }

  #flush(byTimer: boolean) {
    if (this.#writing || this.#lines.length === 0) return;
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (byTimer) this.stats.c.flushed_by_timer.inc();
    const lines = this.#lines;
    const bytes = this.#bytes;
    this.#lines = [];
    this.#bytes = 0;
    this.#writing = true;
    this.dest.write(lines.length === 1 ? lines[0] : lines.join(""), (ok) => this.#written(ok, lines.length, bytes));
  }

  #written(ok: boolean, lines: number, bytes: number) {
    const st = this.stats;
    this.#writing = false;
    st.g.write_total_buffered.set(st.g.write_total_buffered.value - bytes);
    if (ok) st.c.write_completed.inc();
    else {
      st.c.write_failed.inc();
      st.droppedLines.add(lines);
    }
    if (this.#lines.length === 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    } else if (this.#bytes >= MIN_FLUSH_BYTES || this.#idle.length > 0) this.#flush(false);
    else if (this.#timer === null) this.#timer = setTimeout(onFlushTimer, this.flushIntervalMs, this).unref();
  }
}

function onFlushTimer(w: LogWriter) {
  w.onTimer();
}
