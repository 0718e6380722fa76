import { z } from "zod";
import { withHandler } from "@/lib/http";
import { listAudit } from "@/lib/repos/audit-repo";

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional().default(100),
  before: z.coerce.date().optional(),
});

/** Audit trail, newest first: [{at, actor, action, target, details}]. */
export const GET = withHandler({ query: Query }, async ({ query }) => listAudit({ limit: query.limit, before: query.before }));
