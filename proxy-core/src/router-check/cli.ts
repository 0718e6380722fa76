// `proxy-core route-check`: Envoy's route table check tool (router_check_tool; Envoy docs "Route table check tool")
// on Signalbox's router. Reads the config (an Envoy v3 bootstrap, or a bare RouteConfiguration as Envoy's tool takes)
// and the tests (YAML or JSON), runs them (run.ts) and prints as Envoy's tool does (report.ts). Exit code 0 when every
// test passed (and coverage met --fail-under), 1 otherwise, a usage or file problem included.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { parseDocument } from "../config/parse-document";
import { loadRouteTestConfig } from "./load-config";
import { parseRouteTests } from "./schema";
import { runRouteTests } from "./run";
import { formatRouteTestReport } from "./report";
import { isTcpProxyFilter, type FilterChain, type RouteConfiguration, type SnapshotResources } from "../config/schema";

export const ROUTE_CHECK_HELP = `Usage: proxy-core route-check --config FILE --tests FILE [options]

Runs route tests in the format of Envoy's route table check tool (router_check_tool) against Signalbox's router:
  tests:
  - test_name: api goes to the api cluster
    input: {authority: api.example.com, path: /v1/users, method: GET}
    validate: {cluster_name: api, virtual_host_name: api}

Options:
  -c, --config FILE (--config-path)  an Envoy v3 bootstrap, or a bare RouteConfiguration as Envoy's tool takes
  -t, --tests FILE (--test-path)     the tests, YAML or JSON ({tests: [{test_name, input, validate}]})
  --listener NAME|ADDRESS|PORT       a bootstrap's listener whose routes to test (default: the first HTTP one)
  -d, --details                      print every test's name; a failing one's failures beneath it (on stderr)
  --only-show-failures               print only the failing tests, with their failures
  --covall                           coverage over every checkable field, listing the routes no test reached
  --detailed-coverage                list the routes no test reached, by name
  -f, --fail-under PERCENT           fail when coverage is below PERCENT
  -h, --help                         show this help

Input fields: authority, path, method, random_value, ssl, internal, runtime, additional_request_headers,
additional_response_headers. Checks: cluster_name, virtual_cluster_name, virtual_host_name, path_rewrite,
host_rewrite, path_redirect, code_redirect, request_header_matches, response_header_matches (and the deprecated
request_header_fields, response_header_fields). Anything else (dynamic_metadata, range matchers) is refused by name.
Exit code: 0 when every test passes, 1 otherwise.
`;

const OPTIONS = {
  config: { type: "string", short: "c" },
  "config-path": { type: "string" },
  tests: { type: "string", short: "t" },
  "test-path": { type: "string" },
  listener: { type: "string" },
  details: { type: "boolean", short: "d" },
  "only-show-failures": { type: "boolean" },
  covall: { type: "boolean" },
  "detailed-coverage": { type: "boolean" },
  "fail-under": { type: "string", short: "f" },
  help: { type: "boolean", short: "h" },
} as const;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const STD: Io = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

async function readDoc(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${what} ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
  try {
    return await parseDocument(text);
  } catch (err) {
    throw new Error(`${what} ${file}: not valid YAML/JSON: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** direct_response bodies from files, read here so the run itself stays free of I/O (their sizes show in the checks). */
function inlineBodies(rc: RouteConfiguration): RouteConfiguration {
  const files = rc.virtual_hosts?.some((vh) => vh.routes?.some((r) => r.direct_response?.body?.filename !== undefined));
  if (!files) return rc;
  return {
    ...rc,
    virtual_hosts: rc.virtual_hosts!.map((vh) => ({
      ...vh,
      routes: vh.routes?.map((r) => {
        const file = r.direct_response?.body?.filename;
        if (file === undefined) return r;
        return { ...r, direct_response: { ...r.direct_response!, body: { inline_string: fs.readFileSync(file, "utf8") } } };
      }),
    })),
  };
}

function parseOptions(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
}

/** The same for every route configuration of a bootstrap's listeners. */
function inlineSnapshot(s: SnapshotResources): SnapshotResources {
  const chain = (fc: FilterChain): FilterChain => ({
    ...fc,
    filters: fc.filters.map((f) => (isTcpProxyFilter(f) ? f : { ...f, typed_config: { ...f.typed_config, route_config: inlineBodies(f.typed_config.route_config) } })),
  });
  return { ...s, listeners: s.listeners.map((l) => ({ ...l, filter_chains: l.filter_chains.map(chain), ...(l.default_filter_chain ? { default_filter_chain: chain(l.default_filter_chain) } : {}) })) };
}

/** Runs the command; returns the exit code. */
export async function routeCheckMain(argv: string[], io: Io = STD): Promise<0 | 1> {
  let a: ReturnType<typeof parseOptions>;
  try {
    a = parseOptions(argv);
  } catch (err) {
    io.err(`proxy-core route-check: ${(err as Error).message} (see --help)\n`);
    return 1;
  }
  if (a.help) {
    io.out(ROUTE_CHECK_HELP);
    return 0;
  }
  const configFile = a.config ?? a["config-path"];
  const testsFile = a.tests ?? a["test-path"];
  if (!configFile || !testsFile) {
    io.err("proxy-core route-check: both --config FILE and --tests FILE are required (see --help)\n");
    return 1;
  }
  const failUnder = a["fail-under"] === undefined ? 0 : Number(a["fail-under"]);
  if (!Number.isFinite(failUnder) || failUnder < 0) {
    io.err(`proxy-core route-check: --fail-under must be a percentage, got "${a["fail-under"]}"\n`);
    return 1;
  }
  try {
    const config = loadRouteTestConfig(await readDoc(configFile, "config"));
    if (!config.ok) {
      io.err(`${configFile} refused:\n${config.errors.map((e) => `${e.path ? `${e.path}: ` : ""}${e.message}\n`).join("")}`);
      return 1;
    }
    for (const w of config.warnings) io.err(`${configFile}: ${w.path}: ${w.message}\n`);
    const tests = parseRouteTests(await readDoc(testsFile, "tests"));
    if (!tests.ok) {
      io.err(`${testsFile} refused:\n${tests.errors.map((e) => `${e.path ? `${e.path}: ` : ""}${e.message}\n`).join("")}`);
      return 1;
    }
    for (const w of tests.warnings) io.err(`${testsFile}: ${w.path}: ${w.message}\n`);
    const target = config.kind === "route_configuration" ? inlineBodies(config.target) : inlineSnapshot(config.target);
    const report = runRouteTests(target, tests.value, { listener: a.listener });
    const printed = formatRouteTestReport(report, { details: a.details, onlyShowFailures: a["only-show-failures"], covall: a.covall, detailedCoverage: a["detailed-coverage"], failUnder });
    io.out(printed.stdout);
    io.err(printed.stderr);
    return printed.exitCode;
  } catch (err) {
    io.err(`proxy-core route-check: ${(err as Error).message}\n`);
    return 1;
  }
}
