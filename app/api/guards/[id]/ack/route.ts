import { withHandler } from "@/lib/http";
import { GuardRunView } from "@/lib/contract/guard";
import { acknowledgeGuard } from "@/lib/guard/guard-service";

/** Acknowledge a guard's rollback: it leaves the Overview's and the header's banner. */
export const POST = withHandler({ response: GuardRunView }, async ({ params, actor }) => acknowledgeGuard(params.id, actor.name));
