// <data dir>/worker.log holds the bundled worker's stdout and stderr. A file rather than pipes: a worker that
// outlives its console never writes into a closed pipe, and its output survives the console. The console tails
// the file to its own stdout (also for an adopted worker, which it did not start).
import fs from "node:fs";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";

export const logFilePath = (dataDir: string) => path.join(dataDir, "worker.log");

const ROTATE_AT_BYTES = 10 * 1024 * 1024;
/** a tail that falls further behind than this skips ahead rather than holding it all in memory */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

/**
 * Opens the log for a worker about to be spawned, in append mode (several processes may write to it), first
 * moving a log past ~10 MB to `<file>.1`. `offset` is where the new worker's output starts.
 */
export function openLogForSpawn(file: string): { fd: number; offset: number } {
  try {
    if (fs.statSync(file).size > ROTATE_AT_BYTES) fs.renameSync(file, `${file}.1`);
  } catch {
    /* no log yet */
  }
  const fd = fs.openSync(file, "a", 0o644);
  return { fd, offset: fs.fstatSync(fd).size };
}

/** Follows a log file from an offset, line by line; notices rotation (another inode, or a shorter file). */
export class LogTail {
  #offset = 0;
  #ino = -1;
  #partial = "";
  #decoder = new StringDecoder("utf8");
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly onLine: (line: string) => void,
    private readonly everyMs = 250,
  ) {}

  /** Follows from `offset` (default: the current end of the file, i.e. only what is written from now on). */
  start(offset?: number): void {
    this.#partial = "";
    this.#decoder = new StringDecoder("utf8");
    const st = this.#stat();
    this.#ino = st?.ino ?? -1;
    this.#offset = offset ?? st?.size ?? 0;
    if (!this.#timer) {
      this.#timer = setInterval(() => this.drain(), this.everyMs);
      this.#timer.unref();
    }
  }

  /** Reads, now, whatever was written since the last read: right after a worker exited, its last words. */
  drain(): void {
    const st = this.#stat();
    if (!st) return;
    if (st.ino !== this.#ino || st.size < this.#offset) {
      // rotated or truncated: the new file is read from its start
      this.#ino = st.ino;
      this.#offset = 0;
      this.#partial = "";
      this.#decoder = new StringDecoder("utf8");
    }
    if (st.size - this.#offset > MAX_BACKLOG_BYTES) {
      this.onLine(`(${st.size - this.#offset - MAX_BACKLOG_BYTES} bytes of the log skipped)`);
      this.#offset = st.size - MAX_BACKLOG_BYTES;
    }
    if (st.size === this.#offset) return;
    let fd: number;
    try {
      fd = fs.openSync(this.file, "r");
    } catch {
      return;
    }
    try {
      const buf = Buffer.alloc(st.size - this.#offset);
      const n = fs.readSync(fd, buf, 0, buf.length, this.#offset);
      this.#offset += n;
      // the decoder keeps a character cut in two by the read until its other half arrives
      const lines = (this.#partial + this.#decoder.write(buf.subarray(0, n))).split("\n");
      this.#partial = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) this.onLine(line);
    } finally {
      fs.closeSync(fd);
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.drain();
    if (this.#partial.trim()) this.onLine(this.#partial);
    this.#partial = "";
  }

  #stat(): fs.Stats | null {
    try {
      return fs.statSync(this.file);
    } catch {
      return null;
    }
  }
}
