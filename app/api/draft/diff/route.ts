import { withHandler } from "@/lib/http";
import { DraftDiff } from "@/lib/contract";
import { diffDraft } from "@/lib/config/diff/config-diff";

/** The draft against the live version: {from, to, identical, changes: ReadableChange[], unified}. */
export const GET = withHandler({ response: DraftDiff }, async () => diffDraft());
