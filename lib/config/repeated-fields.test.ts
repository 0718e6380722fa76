// A document that writes a single element where Envoy's repeated fields take one is stored as the list form: the
// same rows, and composed back, the same document as if it had been written with lists.
import { describe, expect, it } from "vitest";
import { compose, decompose } from "./draft-mapper";
import { repeatedAsLists } from "./repeated-fields";
import { validateDocument } from "./validation";
import { bootstrap, cluster, listener } from "./test-fixtures";

type Doc = ReturnType<typeof bootstrap>;
const base = (): Doc =>
  bootstrap(
    [listener("main", 18080, [{ name: "r", match: { prefix: "/" }, route: { cluster: "c" } }])],
    [cluster("c", [19000], { circuit_breakers: { thresholds: [{ max_connections: 1 }] } })],
  );
const hcm = (d: Doc) => (d.static_resources.listeners[0] as ReturnType<typeof listener>).filter_chains[0].filters[0].typed_config;
const firstCluster = (d: Doc) => d.static_resources.clusters[0] as ReturnType<typeof cluster>;

type Obj = Record<string, unknown>;
/** Where each repeated field lives in `base()`: its parent object. */
const parents: Record<string, (d: Doc) => Obj> = {
  listeners: (d) => d.static_resources as unknown as Obj,
  clusters: (d) => d.static_resources as unknown as Obj,
  virtual_hosts: (d) => hcm(d).route_config as unknown as Obj,
  routes: (d) => hcm(d).route_config.virtual_hosts[0] as unknown as Obj,
  endpoints: (d) => firstCluster(d).load_assignment as unknown as Obj,
  lb_endpoints: (d) => firstCluster(d).load_assignment.endpoints[0] as unknown as Obj,
};

/** `base()` with `field`'s one-element list written as that element. */
function singleOf(field: string): Doc {
  const doc = base();
  const parent = parents[field](doc);
  parent[field] = (parent[field] as unknown[])[0];
  return doc;
}

describe("single elements in place of lists", () => {
  for (const field of Object.keys(parents))
    it(`${field}: accepted by the schema, stored as a list of one`, () => {
      const doc = singleOf(field);
      expect(validateDocument(doc)).toEqual([]);
      const lists = repeatedAsLists(doc);
      expect(lists).toStrictEqual(base());
      expect(compose(decompose(lists))).toStrictEqual(base());
      // the input is left as it was
      expect(doc).not.toStrictEqual(base());
    });

  it("circuit_breakers.thresholds as one map, as Envoy 1.16's tutorials wrote it", () => {
    const doc = base();
    (firstCluster(doc) as unknown as Obj).circuit_breakers = { thresholds: { max_connections: 1 } };
    expect(repeatedAsLists(doc)).toStrictEqual(base());
  });
});
