// The key better-auth signs the session cookie with: SIGNALBOX_AUTH_SECRET, or 32 random bytes generated into
// <data dir>/auth-secret (0600) on first use. Losing it signs everyone out; it never leaves the data dir.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { dataDir } from "../env";

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
