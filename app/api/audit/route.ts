import { withHandler } from "@/lib/http";
import { AuditList, AuditQuery } from "@/lib/contract";
import { listAuditEntries } from "@/lib/audit/list-audit";

/**
 * Audit trail, newest first: [{id, at, actor, action, target, targetLabel, summary, environment, version, changes,
 * moreChanges, details}]. `?actor=` exactly, `?action=` that action or those under it, `?q=` words of the entry;
 * `limit` and `before` page through them.
 */
export const GET = withHandler({ query: AuditQuery, response: AuditList }, async ({ query }) => listAuditEntries(query));
