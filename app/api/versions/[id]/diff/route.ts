import { replyAs, withHandler } from "@/lib/http";
import { ConfigDiff, ConfigDiffSummary, DiffAnswer, DiffChange, VersionDiffQuery } from "@/lib/contract";
import { diffChange, diffSummary, fullDiff, versionPair } from "@/lib/config/diff/config-diff";

/**
 * Version {id} against ?against=<id> (from that one to {id}), or from {id} to ?to=<id>: the readable
 * per-resource changes and the unified diff of the canonical YAML, as GET /api/draft/diff answers, with its
 * `?sides=0` (no before/after) and `?change=<change id>` (that change with its sides).
 */
export const GET = withHandler({ query: VersionDiffQuery, response: DiffAnswer }, async ({ params, query }) => {
  const pair = query.against !== undefined ? await versionPair(query.against, params.id) : await versionPair(params.id, query.to!);
  if (query.change !== undefined) return replyAs(DiffChange, await diffChange(pair, query.change));
  return query.sides === "0" ? replyAs(ConfigDiffSummary, await diffSummary(pair)) : replyAs(ConfigDiff, await fullDiff(pair));
});
