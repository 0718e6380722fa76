import { withHandler } from "@/lib/http";
import { AccessLogList, AccessLogQuery } from "@/lib/contract";
import { requireTelemetry } from "@/lib/telemetry/registry";

/** {entries, dropped}: the workers' recent access-log sample, newest first, narrowed by status, route, path, node. */
export const GET = withHandler({ query: AccessLogQuery, response: AccessLogList }, async ({ query }) => {
  const log = requireTelemetry().accessLog;
  return { entries: log.list(query), dropped: log.dropped };
});
