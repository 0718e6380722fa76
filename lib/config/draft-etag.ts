// The draft's revision on the wire: `ETag: "r<revision>"` on every draft read and write, and `If-Match` with
// that value on a write to say which revision the change was made on (RFC 9110 §13.1.1). Pure.
import { badRequest } from "../errors";

export const etagOf = (revision: number) => `"r${revision}"`;

export const etagHeaders = (revision: number): Record<string, string> => ({ etag: etagOf(revision) });

/**
 * The revision an If-Match header names: null when there is none or it is `*` (any revision: the write is not
 * conditional). Weak tags (`W/"r3"`) are accepted; anything else is a 400 naming the header.
 */
export function ifMatchOf(req: Request): number | null {
  const raw = req.headers.get("if-match");
  if (raw === null || raw.trim() === "" || raw.trim() === "*") return null;
  const m = /^\s*(?:W\/)?"r(\d{1,15})"\s*$/.exec(raw);
  if (!m) throw badRequest(`If-Match: expected the ETag of a draft read, such as "r12" (with the quotes), got ${JSON.stringify(raw.slice(0, 40))}`);
  return Number(m[1]);
}
