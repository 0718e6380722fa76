// --cache-dir: the last snapshot this worker applied from the console, kept on disk so that a worker started
// while the console is down serves it instead of nothing. Envoy's counterpart is the XdsResourcesDelegate
// (envoy/config/xds_resources_delegate.h) with its KeyValueStoreXdsDelegate (contrib/xds/source/
// kv_store_xds_delegate.cc): every accepted SotW update is written to a key-value store, and the resources are
// read back from it when the management server cannot be reached at start.
//
// One file, <dir>/snapshot.json, replaced atomically (temp file, fsync, rename, fsync of the directory) after
// each ACKed snapshot, so a crash leaves either the old file or the new one, never half of one. It carries a
// format number, the version id and number, a sha256 of the resources as written, and the resources exactly as
// the console sent them: they are validated again by the build that reads them.
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { SILENT_LOG, type Log } from "../log/logger";

/** Bumped when the file's layout changes; a file of another format is ignored (with a warning). */
export const CACHE_FORMAT = 1;
export const CACHE_FILE = "snapshot.json";
const TEMP_FILE = /^\.snapshot\.json\.(\d+)\.tmp$/;

const CacheFile = z.object({
  format: z.literal(CACHE_FORMAT),
  /** the console's version id (what ACKs and hellos carry) */
  versionId: z.string().min(1),
  /** the human-facing number (v7), when the console sent one */
  number: z.number().int().nullable(),
  /** "sha256:<hex>" of JSON.stringify(resources) */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** ISO time of the write */
  writtenAt: z.string(),
  resources: z.unknown(),
});

export interface CachedSnapshot {
  versionId: string;
  number: number | null;
  hash: string;
  writtenAt: string;
  resources: unknown;
}

export type CacheLoad = { kind: "none" } | { kind: "unusable"; reason: string } | { kind: "ok"; snapshot: CachedSnapshot };

/** "v7" when the console numbered the version, else its id. */
export function versionLabel(s: { versionId: string; number: number | null }): string {
  return s.number !== null ? `v${s.number}` : s.versionId;
}

function sha256(text: string): string {
  return "sha256:" + crypto.createHash("sha256").update(text).digest("hex");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class SnapshotCache {
  /** absolute, as logs and /server_info show it */
  readonly dir: string;
  readonly file: string;
  #log: Log;
  /** the snapshot waiting to be written (a newer one replaces it: only the latest matters) */
  #next: { versionId: string; number: number | null; resources: unknown } | null = null;
  #writing: Promise<void> | null = null;
  /** what the file holds now, so an unchanged snapshot is not written again */
  #written: { versionId: string; hash: string } | null = null;

  constructor(dir: string, log: Log = SILENT_LOG) {
    this.dir = path.resolve(dir);
    this.file = path.join(this.dir, CACHE_FILE);
    this.#log = log;
  }

  /** Reads the cached snapshot. Never throws: a missing file is `none`, anything wrong with it is `unusable`. */
  load(): CacheLoad {
    this.#removeStaleTemps();
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { kind: "none" };
      return { kind: "unusable", reason: `cannot read it (${code ?? (err as Error).message})` };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return { kind: "unusable", reason: "not JSON (a truncated or overwritten file)" };
    }
    const format = (raw as { format?: unknown } | null)?.format;
    if (format !== CACHE_FORMAT) return { kind: "unusable", reason: `format ${JSON.stringify(format ?? null)}, this build reads format ${CACHE_FORMAT}` };
    const parsed = CacheFile.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      return { kind: "unusable", reason: `${i?.path.join(".") || "file"}: ${i?.message ?? "invalid"}` };
    }
    const f = parsed.data;
    if (f.resources === undefined || sha256(JSON.stringify(f.resources)) !== f.hash) return { kind: "unusable", reason: "its resources do not match its hash" };
    this.#written = { versionId: f.versionId, hash: f.hash };
    return { kind: "ok", snapshot: { versionId: f.versionId, number: f.number, hash: f.hash, writtenAt: f.writtenAt, resources: f.resources } };
  }

  /**
   * Queues a write of `s` (the resources as the console sent them). Returns at once; writes run one at a time,
   * and a snapshot superseded before its turn is skipped. A failed write is logged, never thrown: the worker
   * serves on without a cache.
   */
  save(s: { versionId: string; number: number | null; resources: unknown }): void {
    this.#next = s;
    this.#writing ??= this.#drain();
  }

  /** Resolves once every queued write has finished (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #drain() {
    try {
      while (this.#next) {
        const s = this.#next;
        this.#next = null;
        try {
          await this.#write(s);
        } catch (err) {
          this.#log.warn(`cannot write the snapshot cache ${this.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
    } finally {
      // in the same tick as the last check of #next, so a save() right after starts a new drain
      this.#writing = null;
    }
  }

  async #write(s: { versionId: string; number: number | null; resources: unknown }) {
    const body = JSON.stringify(s.resources);
    const hash = sha256(body);
    if (this.#written?.versionId === s.versionId && this.#written.hash === hash) return;
    // the resources go in as the exact text that was hashed
    const head = JSON.stringify({ format: CACHE_FORMAT, versionId: s.versionId, number: s.number, hash, writtenAt: new Date().toISOString() });
    const text = `${head.slice(0, -1)},"resources":${body}}\n`;
    // snapshots can hold inline TLS keys: owner-only, like the console's data directory
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = path.join(this.dir, `.${CACHE_FILE}.${process.pid}.tmp`);
    try {
      const fh = await fsp.open(temp, "w", 0o600);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsp.rename(temp, this.file);
    } catch (err) {
      await fsp.unlink(temp).catch(() => {});
      throw err;
    }
    // the rename is durable once the directory entry is on disk too
    const d = await fsp.open(this.dir, "r");
    try {
      await d.sync();
    } catch {
      // some filesystems refuse fsync on a directory; the file itself is complete either way
    } finally {
      await d.close();
    }
    this.#written = { versionId: s.versionId, hash };
    this.#log.debug(`cached version ${versionLabel(s)} in ${this.file}`);
  }

  /** Temp files of writers that died mid-write (their pid is gone). */
  #removeStaleTemps() {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = TEMP_FILE.exec(name);
      if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
      try {
        fs.unlinkSync(path.join(this.dir, name));
      } catch {
        // gone already, or not ours to remove
      }
    }
  }
}
