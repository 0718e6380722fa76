import { describe, expect, it } from "vitest";
import { DocumentSyntaxError, hasDuplicateKeys, parseDocument } from "../../src/config/parse-document";

describe("parseDocument (bootstrap files)", () => {
  it("parses JSON on the fast path and YAML on a worker thread, to the same document", async () => {
    const json = await parseDocument('{"static_resources": {"clusters": [{"name": "a", "connect_timeout": "1s"}]}}');
    const yaml = await parseDocument("static_resources:\n  clusters:\n    - name: a\n      connect_timeout: 1s\n");
    expect(json).toEqual({ static_resources: { clusters: [{ name: "a", connect_timeout: "1s" }] } });
    expect(yaml).toEqual(json);
  });

  it("reports YAML syntax errors with the parser's message", async () => {
    await expect(parseDocument("a: [1, 2\nb: 3\n")).rejects.toBeInstanceOf(DocumentSyntaxError);
    await expect(parseDocument("a: 1\na: 2\n")).rejects.toThrow(/unique|duplicate/i);
  });

  it("sends JSON with duplicate keys to YAML, which refuses them (JSON.parse would keep the last)", async () => {
    await expect(parseDocument('{"a": 1, "a": 2}')).rejects.toThrow(/unique|duplicate/i);
    // a flow mapping that is not strict JSON still parses (as YAML)
    expect(await parseDocument("{a: 1, b: [x, y]}")).toEqual({ a: 1, b: ["x", "y"] });
  });

  it("hasDuplicateKeys looks at one object level at a time and skips string contents", () => {
    expect(hasDuplicateKeys('{"a": {"x": 1}, "b": {"x": 2}}')).toBe(false);
    expect(hasDuplicateKeys('{"a": [{"x": 1}, {"x": 2}]}')).toBe(false);
    expect(hasDuplicateKeys('{"a": "\\"a\\": {", "b": 1}')).toBe(false);
    expect(hasDuplicateKeys('{"a": {"x": 1, "y": 2, "x": 3}}')).toBe(true);
    expect(hasDuplicateKeys('[{"k": 1, "k": 2}]')).toBe(true);
  });
});
