// Process configuration read from the environment (see docs/ARCHITECTURE.md "Processes and env vars").
// Functions, not constants: tests and the server set env vars before first use.
import path from "node:path";

export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.SIGNALBOX_DATA_DIR ?? path.join(/*turbopackIgnore: true*/ process.cwd(), "data"));
}

export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? "file:" + path.join(dataDir(), "signalbox.db");
}

/** Whether DATABASE_URL names a PostgreSQL database (`postgres://` or `postgresql://`) rather than a SQLite file. */
export function isPostgresUrl(url = databaseUrl()): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** DATABASE_URL for a log line: a PostgreSQL URL's password masked. */
export function databaseUrlForLog(url = databaseUrl()): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://(unparsable URL)";
  }
}

/** The SQLite file behind a `file:` URL (relative paths resolve against cwd). */
export function databaseFile(url = databaseUrl()): string | null {
  if (!url.startsWith("file:")) return null;
  const p = url.slice("file:".length).split("?")[0];
  return p === ":memory:" ? null : path.resolve(/*turbopackIgnore: true*/ p);
}

export function consolePort(): number {
  return Number(process.env.PORT ?? 3000);
}

export function consoleHost(): string {
  return process.env.HOST ?? "127.0.0.1";
}

export function workerEnabled(): boolean {
  return (process.env.SIGNALBOX_WORKER ?? "on").toLowerCase() !== "off";
}

/** The bundled worker's --concurrency: every core in production, one process otherwise (dev, tests). */
export function workerConcurrency(): string {
  return process.env.SIGNALBOX_WORKER_CONCURRENCY ?? (process.env.NODE_ENV === "production" ? "auto" : "1");
}

export function workerAdminAddress(): string {
  return process.env.SIGNALBOX_WORKER_ADMIN ?? "127.0.0.1:9901";
}

/** `host:port` of the starter version's listener. */
export function starterListener(): { address: string; port: number } {
  const raw = process.env.SIGNALBOX_STARTER_LISTENER ?? "127.0.0.1:8080";
  const i = raw.lastIndexOf(":");
  const address = i > 0 ? raw.slice(0, i).replace(/^\[|\]$/g, "") : "127.0.0.1";
  const port = Number(i >= 0 ? raw.slice(i + 1) : raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SIGNALBOX_STARTER_LISTENER: bad port in "${raw}"`);
  return { address, port };
}
