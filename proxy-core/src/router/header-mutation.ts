// Envoy's HeaderParser (header_parser.cc): `*_headers_to_remove` then `*_headers_to_add` of one level (weighted
// cluster, route, virtual host or route configuration), applied to a flat [name, value, …] header list.
// Values are compiled once into literal parts and formatter operators.
import type { RouteHeaderValueOption } from "../config/schema";
import { FORMAT_OPERATOR } from "../config/schema";
import { headerValue } from "./matchers";

/** Inputs of the supported formatter operators. */
export interface FormatContext {
  /** request headers (for %REQ(x)%) */
  readonly requestHeaders: readonly string[];
  /** ip:port of the downstream peer */
  readonly downstreamRemoteAddress: string;
  /** ip:port of the selected upstream host, "" before one is chosen */
  readonly upstreamHost: string;
}

/** a literal, or an operator: %REQ(name)%, %DOWNSTREAM_REMOTE_ADDRESS% ("remote"), %UPSTREAM_HOST% ("upstream") */
type Part = string | { req: string } | { op: "remote" | "upstream" };

const enum Action {
  AppendOrAdd,
  AddIfAbsent,
  OverwriteOrAdd,
  OverwriteIfExists,
}

interface CompiledAdd {
  readonly key: string;
  /** a plain string when the value has no operator (the common case) */
  readonly value: string | Part[];
  readonly action: Action;
  readonly keepEmpty: boolean;
}

function compileValue(v: string): string | Part[] {
  if (!v.includes("%")) return v;
  const parts: Part[] = [];
  let last = 0;
  for (const m of v.matchAll(FORMAT_OPERATOR)) {
    if (m.index! > last) parts.push(v.slice(last, m.index));
    if (m[0] === "%%") parts.push("%");
    else if (m[1] === "REQ") parts.push({ req: m[3].toLowerCase() });
    else parts.push({ op: m[1] === "UPSTREAM_HOST" ? "upstream" : "remote" });
    last = m.index! + m[0].length;
  }
  if (last < v.length) parts.push(v.slice(last));
  return parts.every((p) => typeof p === "string") ? parts.join("") : parts;
}

function format(value: string | Part[], ctx: FormatContext): string {
  if (typeof value === "string") return value;
  let out = "";
  for (const p of value) {
    if (typeof p === "string") out += p;
    else if ("req" in p) out += headerValue(ctx.requestHeaders, p.req) ?? "";
    else out += p.op === "remote" ? ctx.downstreamRemoteAddress : ctx.upstreamHost;
  }
  return out;
}

const ACTIONS: Record<string, Action> = {
  APPEND_IF_EXISTS_OR_ADD: Action.AppendOrAdd,
  ADD_IF_ABSENT: Action.AddIfAbsent,
  OVERWRITE_IF_EXISTS_OR_ADD: Action.OverwriteOrAdd,
  OVERWRITE_IF_EXISTS: Action.OverwriteIfExists,
};

function indexOf(headers: readonly string[], key: string): number {
  for (let i = 0; i < headers.length; i += 2) if (headers[i].length === key.length && headers[i].toLowerCase() === key) return i;
  return -1;
}

function removeAll(headers: string[], key: string) {
  for (let i = headers.length - 2; i >= 0; i -= 2) if (headers[i].length === key.length && headers[i].toLowerCase() === key) headers.splice(i, 2);
}

export class HeaderMutation {
  readonly #remove: string[];
  readonly #add: CompiledAdd[];

  private constructor(add: readonly RouteHeaderValueOption[], remove: readonly string[]) {
    this.#remove = remove.map((k) => k.toLowerCase());
    this.#add = add.map((o) => ({
      key: o.header.key.toLowerCase(),
      value: compileValue(o.header.value),
      action: ACTIONS[o.append_action ?? "APPEND_IF_EXISTS_OR_ADD"],
      keepEmpty: o.keep_empty_value ?? false,
    }));
  }

  /** null when the level mutates nothing, so routes without mutations cost a null check */
  static compile(add: readonly RouteHeaderValueOption[] | undefined, remove: readonly string[] | undefined): HeaderMutation | null {
    return add?.length || remove?.length ? new HeaderMutation(add ?? [], remove ?? []) : null;
  }

  /** Removes, then adds, in place (Envoy: remove-before-add within one level). */
  apply(headers: string[], ctx: FormatContext) {
    for (const k of this.#remove) removeAll(headers, k);
    for (const a of this.#add) {
      const value = format(a.value, ctx);
      if (value === "" && !a.keepEmpty) continue;
      switch (a.action) {
        case Action.AppendOrAdd:
          headers.push(a.key, value);
          break;
        case Action.AddIfAbsent:
          if (indexOf(headers, a.key) < 0) headers.push(a.key, value);
          break;
        case Action.OverwriteOrAdd:
          removeAll(headers, a.key);
          headers.push(a.key, value);
          break;
        case Action.OverwriteIfExists:
          if (indexOf(headers, a.key) >= 0) {
            removeAll(headers, a.key);
            headers.push(a.key, value);
          }
          break;
      }
    }
  }
}

/** Applies the levels in Envoy's default order, innermost first, so the outermost wins an overwrite. */
export function applyMutations(levels: readonly (HeaderMutation | null)[], headers: string[], ctx: FormatContext) {
  for (const m of levels) if (m !== null) m.apply(headers, ctx);
}
