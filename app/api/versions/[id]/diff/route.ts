import { withHandler } from "@/lib/http";
import { VersionDiff, VersionDiffQuery } from "@/lib/contract";
import { diffVersionPair } from "@/lib/config/diff/config-diff";

/**
 * Version {id} against ?against=<id> (from that one to {id}), or from {id} to ?to=<id>: the readable
 * per-resource changes and the unified diff of the canonical YAML, as GET /api/draft/diff answers.
 */
export const GET = withHandler({ query: VersionDiffQuery, response: VersionDiff }, async ({ params, query }) =>
  query.against !== undefined ? diffVersionPair(query.against, params.id) : diffVersionPair(params.id, query.to!),
);
