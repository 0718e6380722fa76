// A draft of 10,000 routes on a real PostgreSQL 15 (tests/support/test-stores.ts): replaced and published through
// the services, each in one interactive transaction. On a loaded 2-core machine those ran past Prisma's 5 s default
// and failed halfway with a 500; lib/repos/transaction.ts gives them a minute. Here they must simply work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDraftDocument, publish, replaceDraft } from "../../lib/config/config-service";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { getVersion } from "../../lib/repos/version-repo";
import { migratedStores, postgresSkipped, type TestStores } from "../support/test-stores";

if (postgresSkipped) console.log(`[postgres-large-draft] skipped: ${postgresSkipped}`);

const ROUTES = 10_000;
let stores: TestStores;

describe.skipIf(postgresSkipped !== null)("10,000 routes on PostgreSQL", () => {
  beforeAll(async () => {
    stores = await migratedStores("largedraft");
    await stores.use(stores.postgres!);
  }, 60_000);

  afterAll(async () => {
    await stores?.stop();
  });

  it("replaces the draft with 10,000 routes and publishes them", async () => {
    const routes = Array.from({ length: ROUTES }, (_, i) => ({ name: `r${i}`, match: { prefix: `/svc/${i}/` }, route: { cluster: "svc" } }));
    await replaceDraft(bootstrap([listener("edge", 18995, routes)], [cluster("svc", [18994])]), "test");
    const doc = await getDraftDocument();
    const vhosts = (doc.static_resources.listeners[0] as { filter_chains: { filters: { typed_config: { route_config: { virtual_hosts: { routes: unknown[] }[] } } }[] }[] }).filter_chains[0].filters[0].typed_config.route_config.virtual_hosts;
    expect(vhosts.reduce((n, v) => n + v.routes.length, 0)).toBe(ROUTES);
    const v = await publish("10,000 routes", "test");
    expect((await getVersion(v.id))?.number).toBe(1);
  }, 120_000);
});
