// An allowed check's changes to the request on its way upstream and to the response on its way back (the OK
// branch of Filter::onComplete and Filter::encodeHeaders in source/extensions/filters/http/ext_authz/ext_authz.cc),
// on the flat [name, value, …] header lists the connection manager keeps.
import type { Stream } from "../../stream";
import type { AuthzResponse, HeaderPair } from "./authz-response";

function indexOf(h: readonly string[], key: string): number {
  for (let i = 0; i < h.length; i += 2) if (h[i].length === key.length && h[i].toLowerCase() === key) return i;
  return -1;
}

function removeAll(h: string[], key: string) {
  for (let i = h.length - 2; i >= 0; i -= 2) if (h[i].length === key.length && h[i].toLowerCase() === key) h.splice(i, 2);
}

/** setCopy: one entry with this value, in place of any. */
export function setHeader(h: string[], key: string, value: string) {
  removeAll(h, key);
  h.push(key, value);
}

/**
 * Applies an OK answer's request mutations to `s.headers` (and the path's query); returns whether anything that
 * may change the route was touched (the condition for clear_route_cache). Pseudo-headers are not the
 * service's to change, nor can Host be removed (Http::HeaderUtility::isRemovableHeader).
 */
export function mutateRequest(s: Stream, r: AuthzResponse): boolean {
  const h = s.headers;
  for (const [k, v] of r.headersToSet) {
    if (k.startsWith(":")) continue;
    setHeader(h, k, v);
    if (k === "host") s.host = v;
  }
  for (const [k, v] of r.headersToAdd) if (!k.startsWith(":") && k !== "host") h.push(k, v);
  for (const [k, v] of r.headersToAppend) {
    // appendCopy: joined to an existing entry with ","; a header that is not there is not added
    const i = indexOf(h, k);
    if (i >= 0 && !k.startsWith(":")) h[i + 1] = h[i + 1] === "" ? v : `${h[i + 1]},${v}`;
  }
  for (const k of r.headersToRemove) if (!k.startsWith(":") && k !== "host") removeAll(h, k);
  if (r.queryToSet.length > 0 || r.queryToRemove.length > 0) s.req.url = mutateQuery(s.req.url ?? "/", r.queryToSet, r.queryToRemove);
  return r.headersToSet.length > 0 || r.headersToAppend.length > 0 || r.headersToRemove.length > 0 || r.queryToSet.length > 0 || r.queryToRemove.length > 0;
}

/** query_parameters_to_set (overwrite) and query_parameters_to_remove on a request target. */
export function mutateQuery(url: string, set: readonly HeaderPair[], remove: readonly string[]): string {
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
  for (const [k, v] of set) params.set(k, v);
  for (const k of remove) params.delete(k);
  const query = params.toString();
  return query === "" ? path : `${path}?${query}`;
}

export interface ResponseMutations {
  add: readonly HeaderPair[];
  set: readonly HeaderPair[];
  addIfAbsent: readonly HeaderPair[];
  overwriteIfExists: readonly HeaderPair[];
}

/** encodeHeaders of an allowed request: the service's headers for the client's response. */
export function mutateResponse(h: string[], m: ResponseMutations) {
  for (const [k, v] of m.add) h.push(k, v);
  for (const [k, v] of m.set) setHeader(h, k, v);
  for (const [k, v] of m.addIfAbsent) if (indexOf(h, k) < 0) h.push(k, v);
  for (const [k, v] of m.overwriteIfExists) if (indexOf(h, k) >= 0) setHeader(h, k, v);
}

// headers a local reply computes itself, or that belong to the service's own connection
const NOT_FOR_CLIENT = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "upgrade", "te", "trailer", "server", ":status"]);

/**
 * A denial's headers over the local reply's (the modify_headers callback of Filter::onComplete): each one the
 * service sent replaces the reply's, repeated ones (Set-Cookie) all kept.
 */
export function replaceReplyHeaders(h: string[], headers: readonly HeaderPair[]) {
  const use = headers.filter(([k]) => !NOT_FOR_CLIENT.has(k));
  for (const [k] of use) removeAll(h, k);
  for (const [k, v] of use) h.push(k, v);
}
