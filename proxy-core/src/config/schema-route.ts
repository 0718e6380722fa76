// Routing: RouteConfiguration → VirtualHost → Route (envoy.config.route.v3). Spec §1.
import { z } from "zod";
import { DataSource, Duration } from "./schema-common";

export const RouteMatch = z
  .strictObject({
    prefix: z.string().optional(),
    path: z.string().optional(),
    case_sensitive: z.boolean().optional(),
  })
  .superRefine((m, ctx) => {
    const set = (["prefix", "path"] as const).filter((k) => m[k] !== undefined);
    if (set.length !== 1)
      ctx.addIssue({ code: "custom", message: `exactly one of prefix or path is required (got ${set.length ? set.join(", ") : "none"})` });
  });

export const RouteAction = z.strictObject({
  cluster: z.string().min(1),
  timeout: Duration.optional(),
});

export const DirectResponseAction = z.strictObject({
  status: z.number().int().min(200).max(599),
  body: DataSource.optional(),
});

export const Route = z
  .strictObject({
    name: z.string().optional(),
    match: RouteMatch,
    route: RouteAction.optional(),
    direct_response: DirectResponseAction.optional(),
  })
  .superRefine((r, ctx) => {
    const set = (["route", "direct_response"] as const).filter((k) => r[k] !== undefined);
    if (set.length !== 1)
      ctx.addIssue({ code: "custom", message: `exactly one action (route or direct_response) is required (got ${set.length ? set.join(", ") : "none"})` });
  });

export const VirtualHost = z.strictObject({
  name: z.string().min(1),
  domains: z.array(z.string().min(1)).min(1),
  routes: z.array(Route).optional(),
});

export const RouteConfiguration = z.strictObject({
  name: z.string().optional(),
  virtual_hosts: z.array(VirtualHost).optional(),
});


export type RouteMatch = z.infer<typeof RouteMatch>;
export type Route = z.infer<typeof Route>;
export type VirtualHost = z.infer<typeof VirtualHost>;
export type RouteConfiguration = z.infer<typeof RouteConfiguration>;
