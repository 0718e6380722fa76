import { withHandler } from "@/lib/http";
import { AuditList, AuditQuery } from "@/lib/contract";
import { listAudit } from "@/lib/repos/audit-repo";

/** Audit trail, newest first: [{at, actor, action, target, details}]. */
export const GET = withHandler({ query: AuditQuery, response: AuditList }, async ({ query }) => listAudit({ limit: query.limit, before: query.before }));
