// envoy.filters.http.buffer (envoy.extensions.filters.http.buffer.v3): the request is buffered whole before it
// continues, up to max_request_bytes (413 past it). Per route it can be disabled or given another limit.
import { z } from "zod";
import { TYPE_PREFIX, UInt32Value } from "../schema-common";

export const BUFFER_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.buffer.v3.Buffer";
export const BUFFER_PER_ROUTE_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.buffer.v3.BufferPerRoute";

const BufferFields = {
  /** required (the proto's validate rule: gt 0) */
  max_request_bytes: UInt32Value.refine((n) => n > 0, { message: "must be greater than 0" }),
};

export const BufferConfig = z.strictObject({ "@type": z.literal(BUFFER_TYPE), ...BufferFields });
export type BufferConfig = z.output<typeof BufferConfig>;

export const BufferPerRoute = z
  .strictObject({
    "@type": z.literal(BUFFER_PER_ROUTE_TYPE),
    disabled: z.literal(true).optional(),
    buffer: z.strictObject(BufferFields).optional(),
  })
  .refine((r) => (r.disabled === true) !== (r.buffer !== undefined), { message: "exactly one of disabled or buffer is required" });
export type BufferPerRoute = z.output<typeof BufferPerRoute>;
