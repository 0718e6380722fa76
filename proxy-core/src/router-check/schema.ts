// The test file of Envoy's route table check tool (router_check_tool; Envoy docs "Route table check tool",
// test/tools/router_check/validation.proto): `tests: [{test_name, input, validate}]`, YAML or JSON. Every field
// whose meaning Signalbox's router has is accepted with the proto's rules (authority and path non-empty, method at
// least 3 characters, validate not empty); the others are refused by name, never ignored: dynamic_metadata
// (Signalbox's routes have no dynamic metadata matchers), range matchers, and the pre-proto format
// (`:authority`, `additional_headers`, a bare list of tests).
import { z } from "zod";
import { HeaderMatcher } from "../config/schema-route";
import { zodIssues, type ConfigIssue } from "../config/issues";
import { withWarnings, type ConfigWarning } from "../config/warnings";

/** A field that is refused with its own words (a strict object would say only "not supported"). */
const refused = (message: string) => z.unknown().refine((v) => v === undefined, { message }).optional();

/** config.core.v3.HeaderValue */
export const TestHeaderValue = z.strictObject({ key: z.string().min(1), value: z.string() });
export type TestHeaderValue = z.infer<typeof TestHeaderValue>;

/** uint64 in proto JSON may be written as a string */
const UInt64 = z.preprocess((v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));

const LEGACY = (field: string, now: string) => refused(`${field} is the route check tool's legacy (pre-proto) format: write ${now}`);

export const ValidationInput = z.strictObject({
  authority: z.string().min(1),
  path: z.string().min(1),
  method: z.string().min(3, "must be at least 3 characters (an HTTP method)"),
  /** weighted cluster choice and runtime_fraction; 0 by default */
  random_value: UInt64.optional(),
  /** x-forwarded-proto https (else http) */
  ssl: z.boolean().optional(),
  /** x-envoy-internal: true */
  internal: z.boolean().optional(),
  additional_request_headers: z.array(TestHeaderValue).optional(),
  additional_response_headers: z.array(TestHeaderValue).optional(),
  /** the one runtime key enabled for this test (routes with runtime_fraction) */
  runtime: z.string().optional(),
  dynamic_metadata: refused("dynamic_metadata is not supported by Signalbox: its routes have no dynamic metadata matchers"),
  ":authority": LEGACY(":authority", "authority"),
  ":path": LEGACY(":path", "path"),
  ":method": LEGACY(":method", "method"),
  additional_headers: LEGACY("additional_headers", "additional_request_headers with key and value"),
});
export type ValidationInput = z.infer<typeof ValidationInput>;

/** Envoy's route HeaderMatcher, as routes use it (range_match and the like are refused by the route schema) */
const Matchers = z.array(HeaderMatcher);

const ASSERTS = [
  "cluster_name",
  "virtual_cluster_name",
  "virtual_host_name",
  "host_rewrite",
  "path_rewrite",
  "path_redirect",
  "code_redirect",
  "request_header_matches",
  "response_header_matches",
  "request_header_fields",
  "response_header_fields",
] as const;

/** ValidationAssert: "" means "no value expected" (e.g. cluster_name "" for a redirect) */
export const ValidationAssert = z
  .strictObject({
    cluster_name: z.string().optional(),
    virtual_cluster_name: z.string().optional(),
    virtual_host_name: z.string().optional(),
    host_rewrite: z.string().optional(),
    path_rewrite: z.string().optional(),
    path_redirect: z.string().optional(),
    code_redirect: z.number().int().min(0).optional(),
    request_header_matches: Matchers.optional(),
    response_header_matches: Matchers.optional(),
    /** deprecated in Envoy (use *_header_matches): exact value of the first header of that name */
    request_header_fields: z.array(TestHeaderValue).optional(),
    response_header_fields: z.array(TestHeaderValue).optional(),
    header_fields: LEGACY("header_fields", "request_header_matches"),
    custom_header_fields: LEGACY("custom_header_fields", "request_header_matches"),
    dynamic_metadata: refused("dynamic_metadata is not supported by Signalbox: its routes have no dynamic metadata"),
  })
  .refine((v) => ASSERTS.some((k) => v[k] !== undefined), { message: `needs at least one check (${ASSERTS.join(", ")})` });
export type ValidationAssert = z.infer<typeof ValidationAssert>;

export const ValidationItem = z.strictObject({
  /** not unique, not empty */
  test_name: z.string().min(1),
  input: ValidationInput,
  validate: ValidationAssert,
});
export type ValidationItem = z.infer<typeof ValidationItem>;

/**
 * The whole file. A top-level `runtime` (Envoy's docs show `re2.max_program_size.error_level`) sets the regex
 * engine's program-size limits, which Signalbox's regex engine does not have: `re2.*` keys are accepted and change
 * nothing; any other key is refused.
 */
export const RouteTestFile = z.strictObject({
  tests: z.array(ValidationItem).min(1, "needs at least one test"),
  runtime: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .superRefine((r, ctx) => {
      for (const k of Object.keys(r)) if (!k.startsWith("re2.")) ctx.addIssue({ code: "custom", path: [k], message: `runtime key ${k} has no meaning for Signalbox's route tests (only re2.* keys, which change nothing)` });
    })
    .optional(),
});
export type RouteTestFile = z.infer<typeof RouteTestFile>;

/** Parses a test file document (YAML/JSON already parsed): the tests, or every problem with its path. */
export function parseRouteTests(doc: unknown): { ok: true; value: RouteTestFile; warnings: ConfigWarning[] } | { ok: false; errors: ConfigIssue[] } {
  if (Array.isArray(doc)) return { ok: false, errors: [{ path: "", message: "a list of tests is the route check tool's legacy format: write {tests: [...]}" }] };
  const { result, warnings } = withWarnings(doc, () => RouteTestFile.safeParse(doc));
  return result.success ? { ok: true, value: result.data, warnings } : { ok: false, errors: zodIssues(result.error, doc) };
}
