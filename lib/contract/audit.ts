// The audit trail (GET /api/audit): every draft change, publish and rollback with its author, newest first.
import { z } from "zod";
import { IsoTime } from "./common";

export const AuditEntry = z.object({
  at: IsoTime,
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  details: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditList = z.array(AuditEntry);

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional().default(100),
  before: z.coerce.date().optional(),
});
