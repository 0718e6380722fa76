// Envoy's substitution format strings and access log formatters (docs/root/configuration/advanced/
// substitution_formatter.rst, access_log/usage.rst): parsing and its refusals, the default format, START_TIME
// formats, typed and untyped JSON, response flags and filters, on hand-built finished streams.
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_LOG_FORMAT, parseSubstitutionFormat } from "../../src/config/substitution-format";
import { buildFormatter } from "../../src/access-log/formatter";
import { compileFilter } from "../../src/access-log/filter";
import { ResponseFlag, RESPONSE_FLAG_NAMES, responseFlagsLong, responseFlagsShort } from "../../src/http/response-flags";
import type { AccessLogFilter } from "../../src/config/schema";
import type { Stream } from "../../src/http/stream";

// 2016-04-15T20:17:00.310Z, the docs' example time; +0.4 ms keeps float error off the millisecond boundary
const START = Date.UTC(2016, 3, 15, 20, 17, 0, 310);

interface Fake {
  method?: string;
  url?: string;
  headers?: string[];
  status?: number | null;
  responseHeaders?: string[];
  flags?: number;
  details?: string;
  bodyBytes?: number;
  bytesSent?: number;
  durationMs?: number;
  upstream?: string | null;
  cluster?: string | null;
  route?: string | null;
  traceId?: string | null;
}

/** A finished stream as the formatter sees it. */
function stream(f: Fake = {}): Stream {
  const startMs = START - performance.timeOrigin + 0.4;
  return {
    req: {
      method: f.method ?? "GET",
      url: f.url ?? "/api/v1/locations",
      httpVersion: "1.1",
      bodyBytes: f.bodyBytes ?? 0,
      socket: { remoteAddress: "10.0.35.28", remotePort: 51000, localAddress: "10.0.0.5", localPort: 10000 },
    },
    res: { headersSent: f.status !== null, statusCode: f.status ?? 200 },
    headers: f.headers ?? ["host", "locations", "user-agent", "nsq2http", "x-request-id", "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2"],
    host: "locations",
    path: null,
    responseHeaders: f.responseHeaders ?? ["x-envoy-upstream-service-time", "100"],
    responseFlags: f.flags ?? 0,
    details: f.details ?? "via_upstream",
    bytesSent: f.bytesSent ?? 0,
    localReplyBody: null,
    startMs,
    endMs: startMs + (f.durationMs ?? 226),
    requestCompleteMs: startMs,
    upstreamResponseMs: startMs + 200,
    upstreamHost: f.upstream === null ? null : { label: f.upstream ?? "10.0.2.1:80" },
    upstreamSocket: null,
    cluster: f.cluster === null ? null : { name: f.cluster ?? "locations" },
    route: f.route === null || f.route === undefined ? null : { config: { name: f.route } },
    attempts: 1,
    transportFailure: "",
    traceId: f.traceId ?? null,
  } as unknown as Stream;
}

const text = (format: string, omit = false) => buildFormatter({ log_format: { text_format_source: { inline_string: format }, omit_empty_values: omit } }, () => "");
const json = (dictionary: Record<string, unknown>, omit = false) => buildFormatter({ log_format: { json_format: dictionary, omit_empty_values: omit } }, () => "");

describe("format strings", () => {
  it("refuses what Envoy refuses at load, naming the operator", () => {
    const problem = (f: string) => {
      const r = parseSubstitutionFormat(f);
      return r.ok ? null : r.message;
    };
    expect(problem("%FOO_BAR%")).toBe("unknown command operator %FOO_BAR%");
    expect(problem("%DYNAMIC_METADATA(com.test:key)%")).toBe("command operator %DYNAMIC_METADATA(com.test:key)% is not supported by Signalbox");
    expect(problem("100% done")).toMatch(/^no valid command operator at position 3/);
    expect(problem("%REQ%")).toBe("%REQ%: REQ requires parameters");
    expect(problem("%PROTOCOL(x)%")).toBe("%PROTOCOL(x)%: PROTOCOL does not take any parameters or length");
    expect(problem("%START_TIME:10%")).toBe("%START_TIME:10%: START_TIME does not allow length to be specified");
    expect(problem("%REQ(a?b?c)%")).toBe("%REQ(a?b?c)%: more than 1 alternative header specified");
    expect(problem("%START_TIME(%Y%n)%")).toMatch(/newline/);
    expect(problem("%START_TIME(%Q)%")).toBe("%START_TIME(%Q)%: time conversion %Q is not supported");
    expect(problem(DEFAULT_ACCESS_LOG_FORMAT)).toBeNull();
    expect(problem("100%% %REQ(:path):10% %START_TIME(%s.%3f)%")).toBeNull();
  });

  it("the default format renders exactly Envoy's line (docs example, with today's ip:port UPSTREAM_HOST)", () => {
    const line = text(DEFAULT_ACCESS_LOG_FORMAT).format(stream({ method: "POST", status: 204, bodyBytes: 154, headers: ["host", "locations", "user-agent", "nsq2http", "x-request-id", "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2", "x-forwarded-for", "10.0.35.28"] }));
    expect(line).toBe('[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/1.1" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "10.0.2.1:80"\n');
    // the legacy FileAccessLog.format "" and no format at all mean the same default
    expect(buildFormatter({ format: "" }, () => "").format(stream())).toBe(buildFormatter({}, () => "").format(stream()));
  });

  it("unset values are -, or empty with omit_empty_values; REQ(X?Y):Z falls back and truncates; %% is a percent sign", () => {
    const s = stream({ headers: ["user-agent", "curl/8.5.0", "x-envoy-original-path", "/orig"], upstream: null, responseHeaders: [] });
    expect(text("%REQ(X-MISSING)% %UPSTREAM_HOST% %RESP(x-envoy-upstream-service-time)%").format(s)).toBe("- - -");
    expect(text("[%REQ(X-MISSING)%][%UPSTREAM_HOST%]", true).format(s)).toBe("[][]");
    expect(text("%REQ(USER-AGENT):4% %REQ(X-MISSING?USER-AGENT)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %REQ(:PATH)%").format(s)).toBe("curl curl/8.5.0 /orig /api/v1/locations");
    expect(text("100%% %RESP(:status)% %TRAILER(grpc-status)%").format(s)).toBe("100% 200 -");
  });

  it("START_TIME takes strftime-style formats with Envoy's %s and %Nf", () => {
    const s = stream();
    expect(text("%START_TIME(%s)%").format(s)).toBe("1460751420");
    expect(text("%START_TIME(%s.%3f)%").format(s)).toBe("1460751420.310");
    expect(text("%START_TIME(%s.%6f)%").format(s)).toMatch(/^1460751420\.310\d{3}$/);
    expect(text("%START_TIME(%Y/%m/%dT%H:%M:%S%z)%").format(s)).toBe("2016/04/15T20:17:00+0000");
    expect(text("%START_TIME(%a %d %b %Y %T %Z, day %j)%").format(s)).toBe("Fri 15 Apr 2016 20:17:00 UTC, day 106");
    expect(text("%START_TIME(%F %E3S)%").format(s)).toBe("2016-04-15 00.310");
  });

  it("durations, flags, details and upstream fields", () => {
    const s = stream({ flags: ResponseFlag.UpstreamConnectionFailure | ResponseFlag.UpstreamRetryLimitExceeded, details: "upstream_reset_before_response_started{connection_timeout}", durationMs: 1234.9, route: "r1" });
    expect(text("%DURATION% %REQUEST_DURATION% %RESPONSE_DURATION% %RESPONSE_TX_DURATION%").format(s)).toBe("1234 0 200 1034");
    expect(text("%RESPONSE_FLAGS% %RESPONSE_FLAGS_LONG%").format(s)).toBe("UF,URX UpstreamConnectionFailure,UpstreamRetryLimitExceeded");
    expect(text("%RESPONSE_CODE_DETAILS% %ROUTE_NAME% %UPSTREAM_CLUSTER% %VIRTUAL_CLUSTER_NAME% %UPSTREAM_REQUEST_ATTEMPT_COUNT%").format(s)).toBe(
      "upstream_reset_before_response_started{connection_timeout} r1 locations - 1",
    );
    expect(text("%DOWNSTREAM_REMOTE_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_PORT%").format(s)).toBe("10.0.35.28:51000 10.0.35.28 10.0.0.5:10000 10000");
    expect(text("%RESPONSE_CODE%").format(stream({ status: null }))).toBe("0");
  });
});

describe("format dictionaries", () => {
  const dictionary = {
    status: "%RESPONSE_CODE%",
    upstream: { host: "%UPSTREAM_HOST%", cluster: "%UPSTREAM_CLUSTER%", attempts: "%UPSTREAM_REQUEST_ATTEMPT_COUNT%" },
    duration: "%DURATION%",
    code_text: "code=%RESPONSE_CODE%",
    missing: "%REQ(x-missing)%",
    flags: "%RESPONSE_FLAGS%",
    list: ["%BYTES_SENT%", "literal", 7],
    version: 2,
    a_first: "%PROTOCOL%",
  };

  it("log_format.json_format is typed: numbers stay numbers, unset values are null, keys are sorted", () => {
    const line = json(dictionary).format(stream({ bytesSent: 12 }));
    expect(line.endsWith("\n")).toBe(true);
    expect(line).toBe(
      '{"a_first":"HTTP/1.1","code_text":"code=200","duration":226,"flags":"-","list":[12,"literal",7],"missing":null,"status":200,' +
        '"upstream":{"attempts":1,"cluster":"locations","host":"10.0.2.1:80"},"version":2}\n',
    );
  });

  it("omit_empty_values leaves null keys out", () => {
    const parsed = JSON.parse(json(dictionary, true).format(stream({ upstream: null, cluster: null })));
    expect(parsed).not.toHaveProperty("missing");
    expect(parsed.upstream).toEqual({ attempts: 1 });
  });

  it("the deprecated FileAccessLog.json_format renders every value as a string, - when unset", () => {
    const line = buildFormatter({ json_format: { status: "%RESPONSE_CODE%", missing: "%REQ(x-missing)%", nested: { d: "%DURATION%" }, v: 2 } }, () => "").format(stream());
    expect(line).toBe('{"missing":"-","nested":{"d":"226"},"status":"200","v":"2"}\n');
    const typed = buildFormatter({ typed_json_format: { status: "%RESPONSE_CODE%" } }, () => "").format(stream());
    expect(typed).toBe('{"status":200}\n');
  });
});

describe("response flags", () => {
  it("print in Envoy's order, short and long; `-` when none", () => {
    expect(responseFlagsShort(0)).toBe("-");
    expect(responseFlagsShort(ResponseFlag.UpstreamRetryLimitExceeded | ResponseFlag.UpstreamConnectionFailure | ResponseFlag.NoHealthyUpstream)).toBe("UH,UF,URX");
    expect(responseFlagsLong(ResponseFlag.OverloadManager | ResponseFlag.UpstreamOverflow)).toBe("UpstreamOverflow,OverloadManagerTerminated");
    // accesslog.proto's ResponseFlagFilter list, in the same order
    expect(RESPONSE_FLAG_NAMES.join(" ")).toBe("LH UH UT LR UR UF UC UO NR DI FI RL UAEX RLSE DC URX SI IH DPE UMSDR RFCF NFCF DT UPE NC OM DF DO DR UDO");
  });
});

describe("filters", () => {
  const pass = (f: AccessLogFilter, s: Stream) => compileFilter(f)(s);
  const cmp = (op: "EQ" | "GE" | "LE" | "NE", v: number) => ({ comparison: { op, value: { default_value: v, runtime_key: "unused" } } });

  it("status_code and duration compare with the runtime default; no response compares as 0", () => {
    expect(pass({ status_code_filter: cmp("GE", 400) }, stream({ status: 503 }))).toBe(true);
    expect(pass({ status_code_filter: cmp("GE", 400) }, stream({ status: 200 }))).toBe(false);
    expect(pass({ status_code_filter: cmp("EQ", 0) }, stream({ status: null }))).toBe(true);
    expect(pass({ status_code_filter: { comparison: { value: {} } } }, stream({ status: null }))).toBe(true);
    expect(pass({ duration_filter: cmp("GE", 1000) }, stream({ durationMs: 999 }))).toBe(false);
    expect(pass({ duration_filter: cmp("LE", 1000) }, stream({ durationMs: 999 }))).toBe(true);
    expect(pass({ duration_filter: cmp("NE", 999) }, stream({ durationMs: 999.9 }))).toBe(false);
  });

  it("response_flag without flags matches any flag; and/or; not_health_check always passes", () => {
    const uo = stream({ flags: ResponseFlag.UpstreamOverflow, status: 503 });
    expect(pass({ response_flag_filter: {} }, uo)).toBe(true);
    expect(pass({ response_flag_filter: {} }, stream())).toBe(false);
    expect(pass({ response_flag_filter: { flags: ["UF", "UO"] } }, uo)).toBe(true);
    expect(pass({ response_flag_filter: { flags: ["NR"] } }, uo)).toBe(false);
    expect(pass({ and_filter: { filters: [{ status_code_filter: cmp("EQ", 503) }, { response_flag_filter: { flags: ["UO"] } }] } }, uo)).toBe(true);
    expect(pass({ and_filter: { filters: [{ status_code_filter: cmp("EQ", 503) }, { response_flag_filter: { flags: ["NR"] } }] } }, uo)).toBe(false);
    expect(pass({ or_filter: { filters: [{ status_code_filter: cmp("EQ", 200) }, { response_flag_filter: { flags: ["UO"] } }] } }, uo)).toBe(true);
    expect(pass({ not_health_check_filter: {} }, uo)).toBe(true);
  });
});

describe("the default START_TIME (cached per second)", () => {
  it("equals Date#toISOString for any millisecond, across seconds and back", async () => {
    const { compileTimeFormat } = await import("../../src/access-log/start-time");
    const f = compileTimeFormat(null);
    const base = Date.UTC(2026, 10, 30, 23, 59, 58, 0);
    for (const ms of [0, 1, 9, 10, 99, 100, 999.9, 1000, 1001, 1999, 2000, 2500, 1234, -1]) {
      const t = base + ms;
      expect(f(t)).toBe(new Date(Math.floor(t)).toISOString());
    }
  });
});
