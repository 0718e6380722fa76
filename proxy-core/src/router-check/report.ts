// A route test report printed as Envoy's route table check tool prints it (router_check.cc, RouterCheckTool::
// printResults, coverage.cc): with --details every test name, a passing one on stdout, a failing one on stderr
// followed by its failure lines; --only-show-failures only the failing ones. When every test passed:
// "Current route coverage: N%" (and with --covall or --detailed-coverage the routes no test reached first), then
// --fail-under's "Failed to meet coverage requirement: N%". Exit code 1 on any failure, 0 otherwise.
import type { RouteTestReport } from "./run";

export interface ReportOptions {
  /** -d/--details: every test's name, and the failures under a failing one */
  readonly details?: boolean;
  /** --only-show-failures: only failing tests (with their failures) */
  readonly onlyShowFailures?: boolean;
  /** --covall: coverage counts every checkable field, and lists the routes no test reached */
  readonly covall?: boolean;
  /** --detailed-coverage: lists the routes no test reached, by name */
  readonly detailedCoverage?: boolean;
  /** -f/--fail-under: the coverage percentage below which the run fails (0: not enforced) */
  readonly failUnder?: number;
}

/** C++'s default ostream formatting of a double (6 significant digits, no trailing zeros): 66.6667, 100, 7.44863. */
export function cppDouble(x: number): string {
  return String(Number(x.toPrecision(6)));
}

export function formatRouteTestReport(report: RouteTestReport, o: ReportOptions = {}): { stdout: string; stderr: string; exitCode: 0 | 1 } {
  let stdout = "";
  let stderr = "";
  for (const r of report.results) {
    if (!((o.details && !o.onlyShowFailures) || (o.onlyShowFailures && !r.passed))) continue;
    if (r.passed) stdout += `${r.testName}\n`;
    else stderr += `${r.testName}\n${r.failures.map((f) => `${f}\n`).join("")}`;
  }
  // router_check.cc: failing tests end the run before any coverage is reported
  if (!report.passed) return { stdout, stderr, exitCode: 1 };
  const c = report.coverage;
  if (o.covall) for (const m of c.missing) stdout += `Missing test for host: ${m.virtualHost}, route: ${m.match}\n`;
  else if (o.detailedCoverage) for (const m of c.missing) stdout += `Missing test for host: ${m.virtualHost}, route name: ${m.name ?? ""}\n`;
  const pct = o.covall ? c.comprehensivePercent : c.percent;
  stdout += `Current route coverage: ${cppDouble(pct)}%\n`;
  if (o.failUnder !== undefined && o.failUnder !== 0 && pct < o.failUnder) {
    stderr += `Failed to meet coverage requirement: ${cppDouble(o.failUnder)}%\n`;
    return { stdout, stderr, exitCode: 1 };
  }
  return { stdout, stderr, exitCode: 0 };
}
