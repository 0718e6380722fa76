import { reply, withHandler } from "@/lib/http";
import { DemoStartBody, DemoStatus, DemoStopQuery, DemoStopResult } from "@/lib/demo/contract";
import { demoStatus, startDemo, stopDemo } from "@/lib/demo/demo-service";
import { DEFAULT_ENVIRONMENT } from "@/lib/contract/environments";

// the demo publishes in the default environment, whichever one the request acts on
const changes = () => DEFAULT_ENVIRONMENT;

/** The demo's state: {running, startedAt, endsAt, requestsSent, responses, upstreams, routes, publishedVersion, notes, …}. */
export const GET = withHandler({ response: DemoStatus }, async () => demoStatus());

/** Start demo traffic (body {durationS?}): 201 with the status; 409 when it runs already or the draft has changes. */
export const POST = withHandler({ body: DemoStartBody, response: DemoStatus, environment: changes }, async ({ body }) => reply(await startDemo(body), 201));

/** Stop the load and the upstreams; ?removeConfig=false keeps the demo routes and clusters. */
export const DELETE = withHandler({ query: DemoStopQuery, response: DemoStopResult, environment: changes }, async ({ query }) => stopDemo({ removeConfig: query.removeConfig }));
