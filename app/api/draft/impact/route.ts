import { withHandler } from "@/lib/http";
import { DraftImpact } from "@/lib/contract";
import { draftImpact } from "@/lib/impact/impact-service";

/** {window, live, moves, noRoute, unchanged, notes}: the workers' recent requests replayed against the live routes and the draft's. */
export const GET = withHandler({ response: DraftImpact }, async () => draftImpact());
