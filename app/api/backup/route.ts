import { withHandler, reply } from "@/lib/http";
import { BackupFile } from "@/lib/contract";
import { backupFileName, createBackup } from "@/lib/backup/create-backup";

/** The whole console store as one JSON file (header + rows of every table that holds user data), as a download. */
export const GET = withHandler({ response: BackupFile, role: "admin" }, async () => {
  const file = await createBackup();
  return reply(file, 200, { "content-disposition": `attachment; filename="${backupFileName(file.header.createdAt)}"` });
});
