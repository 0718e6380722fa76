// Route names and stat prefixes the console gives routes that have none.
import { describe, expect, it } from "vitest";
import { decompose, compose } from "./draft-mapper";
import { keepRouteNames, nameRoutes, routeSlug } from "./route-names";
import { bootstrap, cluster, listener } from "./test-fixtures";

const routes = (doc: ReturnType<typeof bootstrap>) =>
  (doc.static_resources.listeners as ReturnType<typeof listener>[]).map((l) =>
    (l.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes as Record<string, unknown>[]).map((r) => [r.name, r.stat_prefix]),
  );

describe("route names", () => {
  it("slugs the match", () => {
    expect(routeSlug({ match: { prefix: "/api/v1/" } })).toBe("api_v1");
    expect(routeSlug({ match: { path: "/Health-Check" } })).toBe("health_check");
    expect(routeSlug({ match: { prefix: "/" } })).toBe("root");
    expect(routeSlug({ match: { safe_regex: { regex: "^/users/[0-9]+$" } } })).toBe("users_0_9");
    expect(routeSlug({ match: { safe_regex: { regex: ".*" } } })).toBe("regex");
    expect(routeSlug({ match: { prefix: "/" + "x".repeat(80) } })).toHaveLength(40);
  });

  it("names unnamed routes uniquely per virtual host name (one stat scope), keeps what the user wrote", () => {
    const doc = bootstrap(
      [
        listener("a", 1, [{ match: { prefix: "/api" }, route: { cluster: "c" } }, { name: "", match: { prefix: "/api" }, route: { cluster: "c" } }, { name: "Mine", stat_prefix: "api", match: { prefix: "/x" }, route: { cluster: "c" } }]),
        listener("b", 2, [{ match: { prefix: "/api" }, route: { cluster: "c" } }, { stat_prefix: "only_prefix", match: { prefix: "/" }, direct_response: { status: 200 } }]),
      ],
      [cluster("c", [1])],
    );
    const named = compose(nameRoutes(decompose(doc)));
    // both listeners' virtual hosts are called "default": their stats share vhost.default.
    expect(routes(named as ReturnType<typeof bootstrap>)).toEqual([
      [["api_2", "api_2"], ["api_3", "api_3"], ["Mine", "api"]],
      [["api_4", "api_4"], ["only_prefix", "only_prefix"]],
    ]);
    // naming is idempotent: a named draft stays as it is
    expect(compose(nameRoutes(decompose(named)))).toStrictEqual(named);
  });

  it("an edit without name or stat_prefix keeps the route's", () => {
    expect(keepRouteNames({ name: "a", stat_prefix: "a" }, { match: {} })).toEqual({ match: {}, name: "a", stat_prefix: "a" });
    expect(keepRouteNames({ name: "a", stat_prefix: "a" }, { name: "b", match: {} })).toEqual({ name: "b", match: {}, stat_prefix: "a" });
  });
});
