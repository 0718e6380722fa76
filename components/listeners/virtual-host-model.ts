// A virtual host's form (name, domains) ↔ the PUT body, checked as the server checks it: the body's schema,
// the proxy's VirtualHost schema, and the route table's rules (one virtual host per name, a domain matched by
// one virtual host only). Errors carry the body's paths (`name`, `domains[1]`).
import { VirtualHost as VirtualHostSchema } from "@/proxy-core/src/config/schema";
import { VirtualHostBody, type ListenerVirtualHost } from "@/lib/contract/listeners";
import { bodyErrors } from "@/lib/contract/listener-json";
import type { FieldError } from "@/components/queries/api-client";
import { splitList } from "./listener-form-model";

export interface VhostFormState {
  name: string;
  /** separated by commas or spaces */
  domains: string;
}

export const emptyVhost = (): VhostFormState => ({ name: "", domains: "" });

export const vhostToForm = (v: ListenerVirtualHost): VhostFormState => ({ name: v.name, domains: v.domains.join(", ") });

export function formToVhostBody(f: VhostFormState): { name: string; domains: string[] } {
  return { name: f.name.trim(), domains: splitList(f.domains) };
}

/**
 * Problems of the form; `others` are the listener's other virtual hosts: it may not take their names, nor the
 * domains of those in the same route table (filter chain `chainIndex`).
 */
export function validateVhost(f: VhostFormState, others: ListenerVirtualHost[], chainIndex: number): FieldError[] {
  const body = formToVhostBody(f);
  const parsed = VirtualHostBody.safeParse(body);
  if (!parsed.success) return bodyErrors(parsed.error.issues);
  const errors: FieldError[] = [];
  const schema = VirtualHostSchema.safeParse({ ...parsed.data, routes: [] });
  if (!schema.success) errors.push(...bodyErrors(schema.error.issues));
  const named = others.find((s) => s.name === parsed.data.name);
  if (named) errors.push({ path: "name", message: `this listener already has a virtual host named "${named.name}"` });
  parsed.data.domains.forEach((d, i) => {
    const owner = others.find((s) => s.filterChainIndex === chainIndex && s.domains.some((sd) => sd.toLowerCase() === d.toLowerCase()));
    if (owner) errors.push({ path: `domains[${i}]`, message: `"${d}" is already a domain of virtual host "${owner.name}"` });
  });
  return errors;
}
