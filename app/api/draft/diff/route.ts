import { replyAs, withHandler } from "@/lib/http";
import { ConfigDiff, ConfigDiffSummary, DiffAnswer, DiffChange, DraftDiffQuery } from "@/lib/contract";
import { diffChange, diffSummary, draftPair, fullDiff } from "@/lib/config/diff/config-diff";

/**
 * The draft against the live version: {from, to, identical, changes: ReadableChange[], unified}; `?sides=0`: each
 * change without its before/after; `?change=<change id>`: {from, to, change} with its sides (404 when not in the diff).
 */
export const GET = withHandler({ query: DraftDiffQuery, response: DiffAnswer }, async ({ query }) => {
  const pair = await draftPair();
  if (query.change !== undefined) return replyAs(DiffChange, await diffChange(pair, query.change));
  return query.sides === "0" ? replyAs(ConfigDiffSummary, await diffSummary(pair)) : replyAs(ConfigDiff, await fullDiff(pair));
});
