// The key better-auth signs the session cookie with: SIGNALBOX_AUTH_SECRET, or 32 random bytes generated into
// <data dir>/auth-secret (0600) on first use. Losing it signs everyone out. With several console replicas on one
// PostgreSQL database, a cookie set by one must be good on every other: shareAuthSecret() makes them agree on one
// key through the SharedKey table (the first replica's own key, so its sessions stay valid) before anything signs.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { dataDir } from "../env";
import { sharedKey } from "../repos/shared-key-repo";

export function authSecret(): string {
  const env = process.env.SIGNALBOX_AUTH_SECRET;
  if (env) return env;
  const file = path.join(dataDir(), "auth-secret");
  try {
    const s = fs.readFileSync(file, "utf8").trim();
    if (s) return s;
  } catch {
    /* first use: create it below */
  }
  fs.mkdirSync(dataDir(), { recursive: true });
  try {
    // wx: when server.ts and Next's bundle race on the first start, one file wins and both read it
    fs.writeFileSync(file, randomBytes(32).toString("base64url") + "\n", { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  return fs.readFileSync(file, "utf8").trim();
}

/**
 * For replicas sharing a database: unless SIGNALBOX_AUTH_SECRET is set, this process's key becomes the one in the
 * database (stored from this replica's own when none is there yet), set as SIGNALBOX_AUTH_SECRET so server.ts and
 * Next's bundle both sign with it. Answers whether the key came from another replica.
 */
export async function shareAuthSecret(): Promise<boolean> {
  if (process.env.SIGNALBOX_AUTH_SECRET) return false;
  const own = authSecret();
  const shared = await sharedKey("auth-secret", own);
  process.env.SIGNALBOX_AUTH_SECRET = shared;
  return shared !== own;
}
