import { describe, expect, it } from "vitest";
import { SnapshotMessage } from "../../proxy-core/src/config/index";
import { snapshotText } from "./sessions";
import type { Resources } from "../config/draft-mapper";
import { bootstrap, cluster, listener, prefixRoute } from "../config/test-fixtures";

describe("snapshot messages", () => {
  it("is the message JSON.stringify would write, and parses as the protocol's SnapshotMessage", () => {
    const doc = bootstrap([listener("main", 8080, [prefixRoute("/", "web")])], [cluster("web", [8081])]);
    const v = { id: "v-1", number: 3, snapshot: doc.static_resources as Resources };
    const text = snapshotText(v, "n-1");
    expect(text).toBe(JSON.stringify({ type: "snapshot", version: "v-1", number: 3, nonce: "n-1", resources: v.snapshot }));
    expect(SnapshotMessage.parse(JSON.parse(text))).toMatchObject({ version: "v-1", nonce: "n-1" });
    // the second worker's message differs only in its nonce
    expect(snapshotText(v, "n-2")).toBe(text.replace('"nonce":"n-1"', '"nonce":"n-2"'));
  });
});
