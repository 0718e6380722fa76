// Shared primitives of the Envoy v3 subset: durations, addresses, data sources, enum helper.
import { z } from "zod";
import { isDuration } from "./duration";

export const TYPE_PREFIX = "type.googleapis.com/";
export const HCM_TYPE = TYPE_PREFIX + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
export const ROUTER_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.router.v3.Router";

export const Duration = z
  .string()
  .refine(isDuration, { message: 'must be a duration in seconds such as "0.25s" or "15s"' });

/** An Envoy enum: values Envoy knows but Signalbox does not implement get "X is not supported". */
export function envoyEnum<const T extends readonly [string, ...string[]]>(supported: T, knownUnsupported: readonly string[] = []) {
  return z.string().superRefine((v, ctx) => {
    if ((supported as readonly string[]).includes(v)) return;
    ctx.addIssue({
      code: "custom",
      message: knownUnsupported.includes(v)
        ? `${v} is not supported (supported: ${supported.join(", ")})`
        : `unknown value ${JSON.stringify(v)} (supported: ${supported.join(", ")})`,
    });
  }) as unknown as z.ZodType<T[number]>;
}

export const Port = z.number().int("must be a whole port number").min(0, "must be a port between 0 and 65535").max(65535, "must be a port between 0 and 65535");
export const UInt32 = z.number().int().min(0).max(4294967295);

export const SocketAddress = z.strictObject({
  address: z.string().min(1),
  port_value: Port,
  protocol: envoyEnum(["TCP"], ["UDP"]).optional(),
});

export const Address = z.strictObject({ socket_address: SocketAddress });

export const DataSource = z
  .strictObject({ inline_string: z.string().optional(), filename: z.string().min(1).optional() })
  .refine((d) => (d.inline_string === undefined) !== (d.filename === undefined), {
    message: "exactly one of inline_string or filename is required",
  });


export type SocketAddress = z.infer<typeof SocketAddress>;
