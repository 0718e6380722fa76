import { describe, expect, it } from "vitest";
import { canonicalJson, hashResources, sha256 } from "./canonical";
import { cluster, listener, prefixRoute } from "./test-fixtures";

describe("canonical", () => {
  it("sorts keys recursively and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it("hash does not depend on key order", () => {
    const a = { listeners: [listener("l", 1, [prefixRoute("/", "c")])], clusters: [cluster("c", [1, 2])] };
    const reordered = JSON.parse(canonicalJson(a));
    const reversed = { clusters: reordered.clusters, listeners: reordered.listeners };
    expect(hashResources(reversed)).toBe(hashResources(a));
    expect(hashResources(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("hash changes with content and with array order", () => {
    const a = { listeners: [], clusters: [cluster("a", [1]), cluster("b", [2])] };
    const b = { listeners: [], clusters: [cluster("b", [2]), cluster("a", [1])] };
    expect(hashResources(a)).not.toBe(hashResources(b));
  });

  it("is stable across releases (known value)", () => {
    expect(hashResources({ listeners: [], clusters: [] })).toBe(sha256('{"clusters":[],"listeners":[]}'));
    expect(sha256("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});
