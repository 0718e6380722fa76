// The one way proxy-core writes a log line. Writing a log line must never fail the process: when the reader
// of stderr is gone (the console that spawned the worker was killed) every write fails with EPIPE, and a
// failure that surfaced as an exception would be logged again, fail again, and spin a core. So a line that
// cannot be written is dropped and counted, a stream that failed once is never written to again, and nothing
// here throws.
//
// Levels and their names are Envoy's `-l/--log-level` (docs/root/operations/cli.rst): trace, debug, info,
// warning (also accepted as warn), error, critical, off; the default is info. `--log-path FILE` appends to a
// file instead of stderr, as Envoy's does.
import fs from "node:fs";
import type { Counter } from "../stats/store";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "critical", "off"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A level name as `-l` takes it; Envoy accepts both "warning" (spdlog's name) and "warn". */
export function parseLogLevel(name: string): LogLevel | null {
  if (name === "warning") return "warn";
  return (LOG_LEVELS as readonly string[]).includes(name) ? (name as LogLevel) : null;
}

/** What components get: one method per level (the line's level decides whether it is written). */
export interface Log {
  trace(msg: string): void;
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  critical(msg: string): void;
}

/** For components built without a logger (tests, embedding). */
export const SILENT_LOG: Log = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, critical() {} };

/** Envoy's stat for this: none. Signalbox's counter of log lines that could not be written (see below). */
export const LOG_DROPPED_LINES_STAT = "server.log_dropped_lines";

/**
 * Bytes a stream may hold unwritten before new lines are dropped: a reader that stopped reading without
 * closing the pipe must not grow this process's memory without bound.
 */
const MAX_BUFFERED_BYTES = 1 << 20;

/** A destination for whole lines; `write` returns false when the line was not (and will not be) written. */
interface Sink {
  write(line: string, dropped: () => void): boolean;
  close(): void;
}

/**
 * process.stderr / process.stdout. A failed write (sync or async) marks the stream dead for good. One per stream
 * (sharedStreamSink), so the access loggers writing to stdout/stderr learn of a dead reader with the process log.
 */
export class StreamSink implements Sink {
  #dead = false;
  constructor(private readonly stream: NodeJS.WriteStream) {
    // without a listener, an async EPIPE is re-emitted as an uncaught exception
    stream.on("error", () => (this.#dead = true));
  }
  get dead() {
    return this.#dead || this.stream.destroyed || !this.stream.writable || this.stream.errored != null;
  }
  write(line: string, dropped: () => void): boolean {
    if (this.dead) return false;
    if (this.stream.writableLength > MAX_BUFFERED_BYTES) return false;
    try {
      // the callback reports an asynchronous failure of this very line
      this.stream.write(line, (err) => {
        if (err) {
          this.#dead = true;
          dropped();
        }
      });
      return true;
    } catch {
      this.#dead = true;
      return false;
    }
  }
  close() {}
}

const streamSinks = new WeakMap<NodeJS.WriteStream, StreamSink>();

/** The one StreamSink of `stream`. */
export function sharedStreamSink(stream: NodeJS.WriteStream): StreamSink {
  let sink = streamSinks.get(stream);
  if (sink === undefined) streamSinks.set(stream, (sink = new StreamSink(stream)));
  return sink;
}

/** An append-only file (`--log-path`), written synchronously so the last lines before an exit are kept. */
class FileSink implements Sink {
  #fd: number | null;
  constructor(fd: number) {
    this.#fd = fd;
  }
  write(line: string): boolean {
    if (this.#fd === null) return false;
    try {
      fs.writeSync(this.#fd, line);
      return true;
    } catch (err) {
      // a full disk may recover; a closed descriptor will not
      if ((err as NodeJS.ErrnoException).code === "EBADF") this.#fd = null;
      return false;
    }
  }
  close() {
    if (this.#fd === null) return;
    try {
      fs.closeSync(this.#fd);
    } catch {
      // already closed
    }
    this.#fd = null;
  }
}

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, critical: 5, off: 6 };
/** Envoy's level names as its `[%l]` format flag prints them. */
const LABEL: Record<LogLevel, string> = { trace: "trace", debug: "debug", info: "info", warn: "warning", error: "error", critical: "critical", off: "" };

export class Logger implements Log {
  level: LogLevel = "info";
  /** lines at or above the level that could not be written, since the start */
  dropped = 0;
  readonly #stderr: StreamSink;
  readonly #stdout: StreamSink;
  #file: FileSink | null = null;
  #counter: Counter | null = null;

  constructor(io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } = process) {
    this.#stderr = sharedStreamSink(io.stderr);
    this.#stdout = sharedStreamSink(io.stdout);
  }

  /**
   * Log lines go to `path` (opened for appending) instead of stderr. Throws when the file cannot be opened:
   * the caller refuses to start (a log file nobody can read is worse than an error at start).
   */
  logToFile(path: string) {
    const fd = fs.openSync(path, "a");
    this.#file?.close();
    this.#file = new FileSink(fd);
  }

  /** From now on dropped lines are also counted in `counter` (shown by the admin /stats). */
  countDropsIn(counter: Counter) {
    counter.add(this.dropped);
    this.#counter = counter;
  }

  enabled(level: LogLevel): boolean {
    return level !== "off" && RANK[level] >= RANK[this.level];
  }

  trace = (msg: string) => this.#line("trace", msg);
  debug = (msg: string) => this.#line("debug", msg);
  info = (msg: string) => this.#line("info", msg);
  warn = (msg: string) => this.#line("warn", msg);
  error = (msg: string) => this.#line("error", msg);
  critical = (msg: string) => this.#line("critical", msg);

  /** The same logger with `prefix` before every message (a --concurrency child's `[worker PID] `). */
  prefixed(prefix: string): Log {
    return {
      trace: (m) => this.trace(prefix + m),
      debug: (m) => this.debug(prefix + m),
      info: (m) => this.info(prefix + m),
      warn: (m) => this.warn(prefix + m),
      error: (m) => this.error(prefix + m),
      critical: (m) => this.critical(prefix + m),
    };
  }

  /**
   * Text the user asked for or must see whatever the level: --help and --version on stdout, and the
   * problems that stop the process at start (a bad flag, a refused file) on stderr, unprefixed.
   */
  writeStdout(text: string) {
    this.#write(this.#stdout, text);
  }
  writeStderr(text: string) {
    this.#write(this.#stderr, text);
  }

  close() {
    this.#file?.close();
  }

  // `<ISO time> proxy-core: <msg>` as before; lines other than info carry Envoy's level name in brackets
  #line(level: LogLevel, msg: string) {
    if (!this.enabled(level)) return;
    const tag = level === "info" ? "" : `[${LABEL[level]}] `;
    this.#write(this.#file ?? this.#stderr, `${new Date().toISOString()} proxy-core: ${tag}${msg}\n`);
  }

  #write(sink: Sink, text: string) {
    if (!sink.write(text, this.#drop)) this.#drop();
  }

  #drop = () => {
    this.dropped++;
    this.#counter?.inc();
  };
}
