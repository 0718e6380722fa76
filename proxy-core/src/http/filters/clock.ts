// The clock token buckets and caches read: milliseconds on a monotonic clock, injectable so tests can step it.
export type Clock = () => number;

export const monotonicMs: Clock = () => performance.now();
