// The local rate limiter's token bucket with a stepped clock: starts full, fills tokens_per_fill every
// fill_interval up to max_tokens, and x-ratelimit-reset as Envoy computes it.
import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../src/http/filters/local-ratelimit/token-bucket";

function clock(start = 1000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe("TokenBucket", () => {
  it("starts full and refuses once empty", () => {
    const c = clock();
    const b = new TokenBucket(3, 1, 1000, c.now);
    expect([b.consume(), b.consume(), b.consume(), b.consume()]).toEqual([true, true, true, false]);
    expect(b.remaining).toBe(0);
  });

  it("adds tokens_per_fill per elapsed fill_interval, capped at max_tokens", () => {
    const c = clock();
    const b = new TokenBucket(5, 2, 1000, c.now);
    for (let i = 0; i < 5; i++) b.consume();
    c.t += 999;
    expect(b.remaining).toBe(0);
    c.t += 1;
    expect(b.remaining).toBe(2);
    c.t += 2500; // two more fills due (capped at 5); the half interval carries over to the next fill
    expect(b.remaining).toBe(5);
    c.t += 100;
    b.consume();
    expect(b.remaining).toBe(4);
    c.t += 399;
    expect(b.remaining).toBe(4);
    c.t += 1;
    expect(b.remaining).toBe(5);
  });

  it("x-ratelimit-reset: the interval minus the whole seconds since the last fill", () => {
    const c = clock();
    const b = new TokenBucket(1, 1, 60_000, c.now);
    expect(b.resetSeconds).toBe(60);
    c.t += 10_500;
    expect(b.resetSeconds).toBe(50);
    c.t += 49_500; // the fill at 60 s
    expect(b.resetSeconds).toBe(60);
    const sub = new TokenBucket(1, 1, 1500, c.now);
    expect(sub.resetSeconds).toBe(1);
  });

  it("without a token_bucket (max 0, no interval) every request is limited and nothing fills", () => {
    const c = clock();
    const b = new TokenBucket(0, 0, 0, c.now);
    expect(b.consume()).toBe(false);
    c.t += 1e9;
    expect([b.consume(), b.remaining, b.resetSeconds]).toEqual([false, 0, 0]);
  });
});
