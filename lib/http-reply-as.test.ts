// withHandler with a union response whose member the request picks (replyAs): the body is checked against that
// member alone, so an answer of another member's shape is a contract break, and the member's output is sent.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { replyAs, withHandler } from "./http";

const TOKEN = "test-token-reply-as";
beforeEach(() => {
  process.env.SIGNALBOX_ADMIN_TOKEN = TOKEN;
});
afterEach(() => {
  delete process.env.SIGNALBOX_ADMIN_TOKEN;
});

const Whole = z.object({ items: z.array(z.object({ id: z.string(), side: z.string() })) });
const Lean = z.object({ items: z.array(z.object({ id: z.string() })) });
const req = (q: string) => new Request(`http://x/api/thing?${q}`, { headers: { authorization: `Bearer ${TOKEN}` } });

describe("replyAs", () => {
  const items = [{ id: "a", side: "x" }];
  const handler = withHandler({ query: z.object({ lean: z.enum(["0", "1"]).optional(), wrong: z.string().optional() }), response: z.union([Whole, Lean]) }, async ({ query }) => {
    if (query.wrong) return replyAs(Whole, { items: [{ id: "a" }] } as z.input<typeof Whole>);
    return query.lean === "1" ? replyAs(Lean, { items }) : replyAs(Whole, { items });
  });

  it("sends the picked member's output: the lean one strips what it does not declare", async () => {
    expect(await (await handler(req(""))).json()).toEqual({ items });
    expect(await (await handler(req("lean=1"))).json()).toEqual({ items: [{ id: "a" }] });
  });

  it("a body of another member's shape is a 500, though the union would take it", async () => {
    expect(z.union([Whole, Lean]).safeParse({ items: [{ id: "a" }] }).success).toBe(true);
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const r = await handler(req("wrong=1"));
    expect(r.status).toBe(500);
    expect(spy.mock.calls[0][0]).toMatch(/breaks the API contract: invalid response: items\.0\.side/);
    spy.mockRestore();
  });
});
