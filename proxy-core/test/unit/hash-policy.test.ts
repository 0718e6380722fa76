// Route hash_policy variants (router/hash-policy.ts) against Envoy's hash_policy.cc: header, cookie (with a
// generated cookie when a ttl is set), connection_properties.source_ip, query_parameter, the terminal rule, and the
// schema's refusals (filter_state by name).
import { describe, expect, it } from "vitest";
import { HashPolicies, queryParameter, requestCookie, type HashRequest } from "../../src/router/hash-policy";
import { combineHash, hash32 } from "../../src/lb/hash";
import { HashPolicy, type HashPolicy as HashPolicyConfig } from "../../src/config/schema";
import { zodIssues } from "../../src/config/issues";

const req = (headers: string[] = [], path = "/", sourceIp: string | null = "10.0.0.7"): HashRequest => ({ headers, path, sourceIp, connectionAddresses: "127.0.0.1:5555127.0.0.1:10000" });
const policies = (...p: HashPolicyConfig[]) => HashPolicies.compile(p)!;
const key = (p: HashPolicies, r: HashRequest, cookies: string[] = []) => p.compute(r, cookies);

describe("hash_policy", () => {
  it("header: the value's hash; absent → no hash", () => {
    const p = policies({ header: { header_name: "X-User" } });
    expect(key(p, req(["x-user", "alice"]))).toBe(hash32("alice"));
    expect(key(p, req([]))).toBeNull();
  });

  it("cookie without ttl: the cookie's value (quotes removed); absent → no hash and no cookie set", () => {
    const p = policies({ cookie: { name: "session" } });
    expect(key(p, req(["Cookie", 'a=1; session="abc"; b=2']))).toBe(hash32("abc"));
    expect(requestCookie(["cookie", "x=1", "cookie", "session=zz"], "session")).toBe("zz");
    const cookies: string[] = [];
    expect(key(p, req(["cookie", "other=1"]), cookies)).toBeNull();
    expect(cookies).toEqual([]);
  });

  it("cookie with ttl: generated from the connection when absent (Set-Cookie as Envoy writes it), and the next request hashes the same", () => {
    const p = policies({ cookie: { name: "sticky", ttl: "60s", path: "/api", attributes: [{ name: "SameSite", value: "Strict" }, { name: "Secure" }] } });
    const cookies: string[] = [];
    const first = key(p, req(), cookies);
    expect(cookies).toHaveLength(1);
    const m = /^sticky="([0-9a-f]{16})"; Max-Age=60; Path=\/api; SameSite=Strict; Secure; HttpOnly$/.exec(cookies[0]);
    expect(m).not.toBeNull();
    expect(first).toBe(hash32(m![1]));
    const again: string[] = [];
    expect(key(p, req(["cookie", `sticky="${m![1]}"`]), again)).toBe(first);
    expect(again).toEqual([]);
    const session: string[] = [];
    key(policies({ cookie: { name: "s", ttl: "0s" } }), req(), session);
    expect(session[0]).toMatch(/^s="[0-9a-f]{16}"; HttpOnly$/);
  });

  it("connection_properties.source_ip: the peer's IP; source_ip false is no policy at all", () => {
    expect(key(policies({ connection_properties: { source_ip: true } }), req([], "/", "10.1.2.3"))).toBe(hash32("10.1.2.3"));
    expect(HashPolicies.compile([{ connection_properties: { source_ip: false } }])).toBeNull();
  });

  it("query_parameter: the first value, undecoded; absent → no hash", () => {
    const p = policies({ query_parameter: { name: "user" } });
    expect(key(p, req([], "/p?x=1&user=a%20b&user=c"))).toBe(hash32("a%20b"));
    expect(key(p, req([], "/p?username=x"))).toBeNull();
    expect(queryParameter("/p?flag&user=1#frag", "flag")).toBe("");
    expect(queryParameter("/p?user=1#x&user=2", "user")).toBe("1");
  });

  it("values combine by rotate-and-xor; terminal stops once any hash exists (HashPolicyImpl::generateHash)", () => {
    const a = { header: { header_name: "a" } };
    const b = { header: { header_name: "b" } };
    const c = { header: { header_name: "c" } };
    expect(key(policies(a, b), req(["a", "1", "b", "2"]))).toBe(combineHash(hash32("1"), hash32("2")));
    expect(key(policies({ ...a, terminal: true }, b), req(["a", "1", "b", "2"]))).toBe(hash32("1"));
    expect(key(policies({ ...a, terminal: true }, b), req(["b", "2"]))).toBe(hash32("2"));
    // a terminal policy without a value still ends the walk when an earlier policy gave one
    expect(key(policies(b, { ...a, terminal: true }, c), req(["b", "2", "c", "3"]))).toBe(hash32("2"));
  });

  it("schema: filter_state is refused by name; exactly one kind per policy", () => {
    const issues = (v: unknown) => {
      const r = HashPolicy.safeParse(v);
      return r.success ? [] : zodIssues(r.error, v).map((i) => `${i.path}: ${i.message}`);
    };
    expect(issues({ filter_state: { key: "k" } })).toEqual(["filter_state: filter_state is not supported by Signalbox (it keeps no filter state objects to hash)"]);
    expect(issues({ terminal: true })).toEqual([": exactly one of header, cookie, connection_properties, query_parameter is required (got none)"]);
    expect(issues({ header: { header_name: "a", regex_rewrite: {} } })).toEqual(["header.regex_rewrite: regex_rewrite is not supported by Signalbox"]);
    expect(issues({ cookie: { name: "c", ttl: "1s" }, query_parameter: { name: "q" } })).toHaveLength(1);
  });
});
