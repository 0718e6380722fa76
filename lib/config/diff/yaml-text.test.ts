import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { bootstrap, cluster, listener, prefixRoute } from "../test-fixtures";
import { starterDocument } from "../starter";
import { toYaml } from "./yaml-text";

const TRICKY = [
  "", " lead", "trail ", "*", "&a", "!tag", "%x", "@type", "`x", "'q'", '"dq"', "- dash", "-", "?", ":", "a: b", "a:", "a #b", "#c",
  "true", "False", "null", "~", "yes", "No", "on", "y", "1", "-1", "+1", "1.5", ".5", "1e3", "0x1F", "0o17", "0b101", ".inf", "-.Inf", ".nan", "1_000",
  "1:30", "2026-11-30", "5s", "0.25s", "127.0.0.1", "127.0.0.1:8080", "/api/v1", "^/v\\d+$", "a, b", "[x]", "{y}", "multi\nline", "tab\there", "ünïcode ✓", "=", "<<",
  "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
];

describe("YAML for the text diff", () => {
  it("reads back as the same value, whatever the strings", () => {
    const value = { strings: TRICKY, keys: Object.fromEntries(TRICKY.map((s, i) => [s, i])), nested: [[1, [2, { a: [] }]], { b: {}, c: null, d: false }], top: [] };
    expect(parse(toYaml(value))).toEqual(value);
    for (const s of TRICKY) expect(parse(toYaml({ s })), JSON.stringify(s)).toEqual({ s });
  });

  it("lays a snapshot out as the yaml package does", () => {
    const doc = bootstrap([listener("main", 8080, [prefixRoute("/api", "a"), { match: { path: "/x" }, direct_response: { status: 503 } }])], [cluster("a", [80, 81], { circuit_breakers: { thresholds: [{ max_requests: 5 }] } })]);
    for (const v of [doc, starterDocument({ address: "127.0.0.1", port: 8080 })]) expect(toYaml(v)).toBe(stringify(v, { lineWidth: 0 }));
  });
});
