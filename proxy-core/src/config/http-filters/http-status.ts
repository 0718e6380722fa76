// envoy.type.v3.HttpStatus, as the filters' configs take it (ext_authz status_on_error, local_ratelimit status):
// `code` by Envoy's name in any case (Forbidden, TOO_MANY_REQUESTS is not a name: TooManyRequests is) or by number.
import { z } from "zod";

/**
 * envoy.type.v3.StatusCode: the codes Envoy's enum defines (it accepts the number or the name, any case); the
 * names are the reason phrases without spaces.
 */
export const STATUS_CODES: Readonly<Record<string, number>> = {
  Continue: 100, OK: 200, Created: 201, Accepted: 202, NonAuthoritativeInformation: 203, NoContent: 204, ResetContent: 205,
  PartialContent: 206, MultiStatus: 207, AlreadyReported: 208, IMUsed: 226, MultipleChoices: 300, MovedPermanently: 301,
  Found: 302, SeeOther: 303, NotModified: 304, UseProxy: 305, TemporaryRedirect: 307, PermanentRedirect: 308, BadRequest: 400,
  Unauthorized: 401, PaymentRequired: 402, Forbidden: 403, NotFound: 404, MethodNotAllowed: 405, NotAcceptable: 406,
  ProxyAuthenticationRequired: 407, RequestTimeout: 408, Conflict: 409, Gone: 410, LengthRequired: 411, PreconditionFailed: 412,
  PayloadTooLarge: 413, URITooLong: 414, UnsupportedMediaType: 415, RangeNotSatisfiable: 416, ExpectationFailed: 417,
  MisdirectedRequest: 421, UnprocessableEntity: 422, Locked: 423, FailedDependency: 424, UpgradeRequired: 426,
  PreconditionRequired: 428, TooManyRequests: 429, RequestHeaderFieldsTooLarge: 431, InternalServerError: 500, NotImplemented: 501,
  BadGateway: 502, ServiceUnavailable: 503, GatewayTimeout: 504, HTTPVersionNotSupported: 505, VariantAlsoNegotiates: 506,
  InsufficientStorage: 507, LoopDetected: 508, NotExtended: 510, NetworkAuthenticationRequired: 511,
};
const STATUS_BY_NAME = new Map(Object.entries(STATUS_CODES).map(([n, c]) => [n.toLowerCase(), c]));
const KNOWN_STATUS = new Set(Object.values(STATUS_CODES));

const StatusCode = z.preprocess(
  (v) => (typeof v === "string" ? (STATUS_BY_NAME.get(v.toLowerCase()) ?? (/^\d+$/.test(v) ? Number(v) : v)) : v),
  z
    .number({ error: "must be an HTTP status code (a number or Envoy's name, such as 403 or Forbidden)" })
    .int()
    .refine((c) => KNOWN_STATUS.has(c), { message: "is not one of Envoy's HTTP status codes (envoy.type.v3.StatusCode)" }),
);

/** envoy.type.v3.HttpStatus */
export const HttpStatus = z.strictObject({ code: StatusCode });
