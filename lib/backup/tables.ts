// The tables a backup holds: one line per table, in the order a restore writes them (parents first). Every
// table of the database is either here, auto-included (any `RouteTest*` table: route tests are part of the
// draft and of each version), or left out on purpose and named in the file's `header.excluded`.
import type { FieldError } from "../contract/common";
import { Settings } from "../contract/settings";
import { listTables, tableColumns, type Column } from "../repos/backup-repo";
import type { Tx } from "../repos/transaction";
import { hashResources } from "../config/canonical";
import { validateDocument } from "../config/validation";

export interface TableSpec {
  name: string;
  /** columns holding JSON text, which must parse */
  json?: string[];
  /** columns naming the primary key of a row of another table (null allowed where the column is nullable) */
  refs?: { column: string; table: string }[];
  /** further checks of one row; `at` is its path in the file, such as `tables.ConfigVersion[2]` */
  check?: (row: Record<string, unknown>, at: string) => FieldError[];
}

const parent = (column: string, table: string) => ({ column, table });

/** A version's snapshot passes the proxy's schema (the same validateDocument a publish runs) and its hash is its own. */
function checkVersion(row: Record<string, unknown>, at: string): FieldError[] {
  if (typeof row.snapshot !== "string") return [];
  let snapshot: { listeners?: unknown; clusters?: unknown };
  try {
    snapshot = JSON.parse(row.snapshot);
  } catch {
    return []; // reported by the `json` check
  }
  const errors = validateDocument({ static_resources: snapshot }).map((e) => ({ path: `${at}.snapshot${e.path.replace(/^static_resources/, "")}`, message: e.message }));
  if (errors.length) return errors;
  if (!Array.isArray(snapshot.listeners) || !Array.isArray(snapshot.clusters))
    return [{ path: `${at}.snapshot`, message: "a version snapshot needs both `listeners` and `clusters` arrays" }];
  const hash = hashResources({ listeners: snapshot.listeners, clusters: snapshot.clusters });
  if (row.hash !== hash) return [{ path: `${at}.hash`, message: `does not match the snapshot (its sha256 is ${hash})` }];
  return typeof row.number === "number" && row.number < 1 ? [{ path: `${at}.number`, message: "version numbers start at 1" }] : [];
}

function checkSettings(row: Record<string, unknown>, at: string): FieldError[] {
  const r = Settings.safeParse({ retentionHours: row.retentionHours, zipkinCollectorUrl: row.zipkinCollectorUrl });
  return r.success ? [] : r.error.issues.map((i) => ({ path: `${at}.${i.path.join(".")}`, message: i.message }));
}

const inEnvironment = parent("environment", "Environment");

export const TABLES: TableSpec[] = [
  { name: "Environment" },
  { name: "DraftListener", json: ["json"], refs: [inEnvironment] },
  { name: "DraftVirtualHost", json: ["json"], refs: [parent("listenerId", "DraftListener")] },
  { name: "DraftRoute", json: ["json"], refs: [parent("virtualHostId", "DraftVirtualHost")] },
  { name: "DraftCluster", json: ["json"], refs: [inEnvironment] },
  { name: "DraftEndpoint", json: ["json"], refs: [parent("clusterId", "DraftCluster")] },
  { name: "DraftCircuitBreaker", json: ["json"], refs: [parent("clusterId", "DraftCluster")] },
  // one row per environment, keyed by its name
  { name: "DraftState", refs: [parent("id", "Environment")] },
  { name: "DraftChange", refs: [inEnvironment] },
  {
    name: "ConfigVersion", json: ["snapshot", "routeTests"], check: checkVersion,
    refs: [inEnvironment, parent("parentId", "ConfigVersion"), parent("rollbackOfId", "ConfigVersion"), parent("promotedFromId", "ConfigVersion")],
  },
  { name: "LiveState", refs: [parent("id", "Environment"), parent("versionId", "ConfigVersion")] },
  // the guard marks of the version timeline; a run still "running" in the file is past its window when restored
  { name: "GuardRun", json: ["params"], refs: [parent("versionId", "ConfigVersion"), parent("previousVersionId", "ConfigVersion"), parent("rollbackVersionId", "ConfigVersion")] },
  // canary rollouts: a running one keeps its targeted nodes on the canary version after a restore
  { name: "Rollout", json: ["target", "nodes"], refs: [inEnvironment, parent("versionId", "ConfigVersion")] },
  { name: "AuditEvent", json: ["details"] },
  { name: "ConsoleSettings", check: checkSettings },
  // TLS secrets as stored: sealed with the console's key, so a restore elsewhere needs the same SIGNALBOX_SECRET_KEY
  // (or <data dir>/secret-key); without it the secrets read as unopenable and the workers refuse what uses them
  { name: "Secret", json: ["dnsNames"] },
];

/**
 * Tables of the schema a backup leaves out: per-node runtime state and telemetry, rebuilt as workers report; and
 * the console's accounts (password hashes, sessions) and API/worker tokens: a restore brings back config, never who
 * may sign in or connect. Teams go with the accounts (their members are users); the owners named on draft rows are
 * kept, and an admin re-creates the teams after a restore. TOTP keys and the single sign-on settings (its client
 * secret) stay out for the same reason. So does what console replicas coordinate with (heartbeats, leases, id
 * ranges, live frames) and the session-signing key they share: they describe the processes running, not the
 * config.
 */
export const EXCLUDED = ["TelemetryRollup", "Event", "Node", "User", "Session", "Account", "Verification", "ApiToken", "Team", "TeamMember", "TwoFactor", "SsoSettings", "Replica", "Lease", "IdBlock", "LiveFrame", "SharedKey"];

/** Route tests are part of the config, whatever their tables end up being called. */
export const isAutoIncluded = (table: string) => table.startsWith("RouteTest");

export interface TableShape { spec: TableSpec; columns: Column[] }

/** Which of `present` (the database's tables) are backed up, in restore order, and which are not. */
export function classifyTables(present: string[]): { backedUp: TableSpec[]; excluded: string[] } {
  const known = new Set(TABLES.map((t) => t.name));
  const backedUp = [
    ...TABLES.filter((t) => present.includes(t.name)),
    ...present.filter((n) => !known.has(n) && isAutoIncluded(n)).sort().map((name) => ({ name })),
  ];
  const taken = new Set(backedUp.map((t) => t.name));
  return { backedUp, excluded: present.filter((n) => !taken.has(n)).sort() };
}

/** The backed-up tables of this database with their columns, and the names of the others. */
export async function tableShapes(tx?: Tx): Promise<{ tables: TableShape[]; excluded: string[] }> {
  const { backedUp, excluded } = classifyTables(await listTables(tx));
  const tables: TableShape[] = [];
  for (const spec of backedUp) tables.push({ spec, columns: await tableColumns(spec.name, tx) });
  return { tables, excluded };
}
