import { z } from "zod";
import { withHandler } from "@/lib/http";
import { VersionDiff } from "@/lib/contract";
import { diffVersions } from "@/lib/config/config-service";

const Query = z.object({ to: z.string({ error: "?to=<version id> is required" }).min(1, "?to=<version id> is required") });

/** Changes from version {id} to version ?to=: per-resource list and a unified diff of the canonical YAML. */
export const GET = withHandler({ query: Query, response: VersionDiff }, async ({ params, query }) => diffVersions(params.id, query.to));
