import { withHandler } from "@/lib/http";
import { GuardRunView } from "@/lib/contract/guard";
import { acknowledgeGuard } from "@/lib/guard/guard-service";
import { environmentOfGuard } from "@/lib/environment/environment-access";

/** Acknowledge a guard's rollback: it leaves the Overview's and the header's banner. */
export const POST = withHandler({ response: GuardRunView, environment: ({ params }) => environmentOfGuard(params.id) }, async ({ params, actor }) => acknowledgeGuard(params.id, actor.name));
