import { withHandler } from "@/lib/http";
import { RolloutState } from "@/lib/contract";
import { rolloutView } from "@/lib/rollout/rollout-service";

/** The running canary: {rollout: {versionId, versionNumber, target, targeted, applied, connected, …} | null}. */
export const GET = withHandler({ response: RolloutState }, async () => rolloutView());
