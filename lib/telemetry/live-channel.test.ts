// The live channel: one tick computed per second whatever the number of browsers, and a browser that goes away
// (request aborted, stream cancelled) is unsubscribed, through the real GET /api/live handler.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../contract/settings";
import { LiveTick } from "../contract/live";
import { LiveChannel } from "./live-channel";
import { setTelemetry } from "./registry";
import { Telemetry } from "./telemetry";
import { GET } from "../../app/api/live/route";

const TOKEN = "live-test-token";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("live channel", () => {
  it("computes each tick once and sends the same bytes to every subscriber; no subscriber, no timer", async () => {
    let computed = 0;
    const ch = new LiveChannel((sec) => {
      computed++;
      return { t: sec * 1000, fleet: { t: sec * 1000, rps: 0, rps1xx: 0, rps2xx: 0, rps3xx: 0, rps4xx: 0, rps5xx: 0, latency: null, activeConnections: 0, overflow: 0 }, nodes: {}, routes: [], clusters: [], events: [] };
    });
    const got: Uint8Array[][] = [[], [], []];
    const subs = got.map((g) => ch.subscribe((c) => g.push(c)));
    await sleep(2300);
    expect(computed).toBeGreaterThanOrEqual(2);
    expect(got.map((g) => g.length)).toEqual([computed, computed, computed]);
    expect(got[1][0]).toBe(got[0][0]);
    const text = new TextDecoder().decode(got[0][0]);
    expect(text).toMatch(/^event: tick\ndata: \{.*\}\n\n$/);
    expect(LiveTick.safeParse(JSON.parse(text.split("data: ")[1])).success).toBe(true);
    subs.forEach((u) => u());
    expect(ch.subscribers).toBe(0);
    const before = computed;
    await sleep(1200);
    expect(computed).toBe(before);
  });
});

describe("GET /api/live", () => {
  let telemetry: Telemetry;
  beforeAll(() => {
    process.env.SIGNALBOX_ADMIN_TOKEN = TOKEN;
    telemetry = new Telemetry({ liveResources: () => null, settings: DEFAULT_SETTINGS, log: () => {} });
    setTelemetry(telemetry);
  });
  afterAll(() => {
    telemetry.live.stop();
    setTelemetry(null);
  });

  const open = async (signal?: AbortSignal) => GET(new Request("http://console/api/live", { headers: { authorization: `Bearer ${TOKEN}` }, signal }));

  it("streams ticks as text/event-stream and unsubscribes a browser that aborts", async () => {
    const ac = new AbortController();
    const res = await open(ac.signal);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("event: tick")) text += new TextDecoder().decode((await reader.read()).value);
    expect(telemetry.live.subscribers).toBe(1);
    ac.abort();
    expect(telemetry.live.subscribers).toBe(0);
  });

  it("unsubscribes when the stream is cancelled, and refuses an unauthenticated request", async () => {
    const res = await open();
    const reader = res.body!.getReader();
    await reader.read();
    expect(telemetry.live.subscribers).toBe(1);
    await reader.cancel();
    expect(telemetry.live.subscribers).toBe(0);
    expect((await GET(new Request("http://console/api/live"))).status).toBe(401);
  });
});
