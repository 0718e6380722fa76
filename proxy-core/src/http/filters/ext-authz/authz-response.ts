// What an authorization service decided, in one shape for both clients (Envoy's ExtAuthz::Response,
// source/extensions/filters/common/ext_authz/ext_authz.h), and how each client's answer becomes it:
// - HTTP (ext_authz_http_impl.cc `toResponse`): 5xx is an error; 200 allows, with the headers matched by
//   allowed_upstream_headers set upstream (overwriting), allowed_upstream_headers_to_append added, and
//   allowed_client_headers_on_success added to the client's response; `x-envoy-auth-headers-to-remove` names
//   request headers to drop. Any other status denies: that status and body go to the client with the headers
//   allowed_client_headers picks (unset: all of them but Host).
// - gRPC (ext_authz_grpc_impl.cc `onSuccess`): status OK allows with ok_response's mutations; any other status
//   denies with denied_response (403 unless it says otherwise); error_response is an error that carries its own
//   reply (external_auth.proto).
import type { CheckResponseMessage, HeaderValueOptionMessage } from "./auth-proto";
import { GrpcCode } from "./auth-proto";
import type { HeaderKeyMatcher } from "./header-matchers";

export const enum CheckStatus {
  OK,
  Denied,
  Error,
}

export type HeaderPair = readonly [name: string, value: string];

export interface AuthzResponse {
  status: CheckStatus;
  /** upstream request: replace the header (setCopy) */
  headersToSet: HeaderPair[];
  /** upstream request: one more entry (addCopy) */
  headersToAdd: HeaderPair[];
  /** upstream request: append `,value` to a header that is there (appendCopy), else nothing */
  headersToAppend: HeaderPair[];
  headersToRemove: string[];
  queryToSet: HeaderPair[];
  queryToRemove: string[];
  /** the client's response on success, by HeaderAppendAction */
  responseHeadersToAdd: HeaderPair[];
  responseHeadersToSet: HeaderPair[];
  responseHeadersToAddIfAbsent: HeaderPair[];
  responseHeadersToOverwriteIfExists: HeaderPair[];
  /** a denial's (or a gRPC error_response's) reply: status (0 = the filter's default), headers, body */
  statusCode: number;
  clientHeaders: HeaderPair[];
  body: string | Buffer;
}

export function authzResponse(status: CheckStatus, statusCode = 0): AuthzResponse {
  return {
    status,
    headersToSet: [],
    headersToAdd: [],
    headersToAppend: [],
    headersToRemove: [],
    queryToSet: [],
    queryToRemove: [],
    responseHeadersToAdd: [],
    responseHeadersToSet: [],
    responseHeadersToAddIfAbsent: [],
    responseHeadersToOverwriteIfExists: [],
    statusCode,
    clientHeaders: [],
    body: "",
  };
}

/** The error answer: the filter replies status_on_error or lets the request through (failure_mode_allow). */
export const errorResponse = (): AuthzResponse => authzResponse(CheckStatus.Error);

/** What an HTTP service's answers are matched against (ClientConfig in ext_authz_http_impl.cc). */
export interface HttpResponseMatchers {
  upstream: HeaderKeyMatcher;
  upstreamToAppend: HeaderKeyMatcher;
  client: HeaderKeyMatcher;
  clientOnSuccess: HeaderKeyMatcher;
}

const HEADERS_TO_REMOVE = "x-envoy-auth-headers-to-remove";

/**
 * An HTTP authorization service's answer. `headers` are lower-cased [name, value] pairs as received (a repeated
 * header stays repeated).
 */
export function fromHttpResponse(status: number, headers: readonly HeaderPair[], body: Buffer, m: HttpResponseMatchers): AuthzResponse {
  if (status >= 500 && status < 600) return errorResponse();
  const ok = status === 200;
  const r = authzResponse(ok ? CheckStatus.OK : CheckStatus.Denied, status);
  for (const [name, value] of headers) {
    if (name === HEADERS_TO_REMOVE) {
      if (ok) for (const h of value.split(",")) if (h.trim() !== "") r.headersToRemove.push(h.trim().toLowerCase());
      continue;
    }
    if (ok) {
      if (m.upstream(name)) r.headersToSet.push([name, value]);
      if (m.upstreamToAppend(name)) r.headersToAdd.push([name, value]);
      if (m.clientOnSuccess(name)) r.responseHeadersToAdd.push([name, value]);
    } else if (m.client(name)) r.clientHeaders.push([name, value]);
  }
  if (!ok) r.body = body;
  return r;
}

const APPEND_IF_EXISTS_OR_ADD = 0;
const ADD_IF_ABSENT = 1;
const OVERWRITE_IF_EXISTS_OR_ADD = 2;

const pair = (o: HeaderValueOptionMessage): HeaderPair => [(o.header?.key ?? "").toLowerCase(), o.header?.value ?? ""];

/** HeaderValueOption on an authorization answer: `append` defaults to false there (external_auth.proto). */
function splitByAppend(options: readonly HeaderValueOptionMessage[] | undefined, set: HeaderPair[], append: HeaderPair[]) {
  for (const o of options ?? []) {
    if (!o.header?.key) continue;
    (o.append?.value === true ? append : set).push(pair(o));
  }
}

/** A gRPC authorization service's CheckResponse. */
export function fromCheckResponse(msg: CheckResponseMessage): AuthzResponse {
  const code = msg.status?.code ?? GrpcCode.OK;
  if (code === GrpcCode.OK) {
    const r = authzResponse(CheckStatus.OK, 200);
    const ok = msg.ok_response;
    if (ok == null) return r;
    splitByAppend(ok.headers, r.headersToSet, r.headersToAppend);
    for (const o of ok.response_headers_to_add ?? []) {
      if (!o.header?.key) continue;
      // the deprecated `append` decides when present; otherwise append_action (copyOkResponseMutations)
      if (o.append != null) (o.append.value === true ? r.responseHeadersToAdd : r.responseHeadersToSet).push(pair(o));
      else {
        const action = o.append_action ?? APPEND_IF_EXISTS_OR_ADD;
        const list =
          action === APPEND_IF_EXISTS_OR_ADD ? r.responseHeadersToAdd
          : action === ADD_IF_ABSENT ? r.responseHeadersToAddIfAbsent
          : action === OVERWRITE_IF_EXISTS_OR_ADD ? r.responseHeadersToSet
          : r.responseHeadersToOverwriteIfExists;
        list.push(pair(o));
      }
    }
    r.headersToRemove = (ok.headers_to_remove ?? []).map((h) => h.toLowerCase());
    for (const q of ok.query_parameters_to_set ?? []) if (q.key) r.queryToSet.push([q.key, q.value ?? ""]);
    r.queryToRemove = [...(ok.query_parameters_to_remove ?? [])];
    return r;
  }
  const error = msg.http_response === "error_response" ? msg.error_response : null;
  const denied = error ?? msg.denied_response ?? null;
  // a denial is 403 unless the service says otherwise; an error_response without a status takes status_on_error
  const r = authzResponse(error != null ? CheckStatus.Error : CheckStatus.Denied, denied?.status?.code || (error != null ? 0 : 403));
  if (denied != null) {
    // only the non-appending headers make it to the local reply (ext_authz.cc sends headers_to_set)
    const ignored: HeaderPair[] = [];
    splitByAppend(denied.headers, r.clientHeaders, ignored);
    r.body = denied.body ?? "";
  }
  return r;
}
