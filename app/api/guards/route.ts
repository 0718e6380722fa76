import { withHandler } from "@/lib/http";
import { GuardList, GuardListQuery } from "@/lib/contract/guard";
import { listGuardViews } from "@/lib/guard/guard-service";

/** Publish guards, newest first; `?unacknowledged=1`: only rollbacks nobody acknowledged (the Overview's banner). */
export const GET = withHandler({ query: GuardListQuery, response: GuardList }, async ({ query }) =>
  listGuardViews(query.unacknowledged === "1" || query.unacknowledged === "true"),
);
