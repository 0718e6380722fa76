// The request body of POST /api/restore, as text. A backup holds the whole store, so the 5 MB limit of other
// bodies (lib/http.ts) would refuse real ones; this one stops reading past MAX_BACKUP_BYTES instead (413).
import { ApiError } from "../errors";

export const MAX_BACKUP_BYTES = 256 * 1024 * 1024;

const tooLarge = () => new ApiError(413, "payload_too_large", `a backup file larger than ${MAX_BACKUP_BYTES / 1024 / 1024} MB is not accepted`);

export async function readBackupText(req: Request, limit = MAX_BACKUP_BYTES): Promise<string> {
  if (Number(req.headers.get("content-length") ?? 0) > limit) throw tooLarge();
  if (!req.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
