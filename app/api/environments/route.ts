import { withHandler, reply } from "@/lib/http";
import { CreateEnvironmentBody, EnvironmentList } from "@/lib/contract";
import { createEnvironment, listEnvironmentInfos } from "@/lib/environment/environment-service";

/** Every environment with its live version number and nodes; `current` is the one this request acts on. */
export const GET = withHandler({ response: EnvironmentList }, async () => listEnvironmentInfos());

/** Creates an environment (empty draft, nothing live); 409 when it exists. An editor limited to other environments gets 403. */
export const POST = withHandler({ body: CreateEnvironmentBody, response: EnvironmentList, environment: ({ body }) => body.name }, async ({ body, actor }) => {
  await createEnvironment(body.name, actor.name);
  return reply(await listEnvironmentInfos(), 201);
});
