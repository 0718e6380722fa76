// The Access log page's filters (as typed, as sent) and how a row reads. Pure.
import type { AccessLogRow } from "@/lib/contract/access-log";
import type { AccessLogFilter } from "@/components/queries/use-access-log-query";
import type { Tone } from "@/components/ui/status-chip";

export const FILTER_KEYS = ["status", "route", "path", "node"] as const;
export type FilterForm = Record<(typeof FILTER_KEYS)[number], string>;

const STATUS = /^([1-5]xx|\d{3})$/;

/** The filter to send, and the fields that cannot be sent as typed (they are left out until fixed). */
export function toFilter(f: FilterForm): { filter: AccessLogFilter; errors: Partial<Record<keyof FilterForm, string>> } {
  const status = f.status.trim().toLowerCase();
  const errors: Partial<Record<keyof FilterForm, string>> = {};
  if (status && !STATUS.test(status)) errors.status = "an exact code (503) or a class (5xx)";
  return {
    filter: {
      status: status && !errors.status ? status : undefined,
      route: f.route.trim() || undefined,
      pathContains: f.path.trim() || undefined,
      node: f.node.trim() || undefined,
      limit: 500,
    },
    errors,
  };
}

export function statusTone(status: number): Tone {
  if (status === 0 || status >= 500) return "red";
  if (status >= 400) return "amber";
  if (status >= 200 && status < 400) return "green";
  return "grey";
}

/** "12:03:15.042": the log is read to the millisecond. */
export function logTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** x-request-id when the worker set one; otherwise what the row says, plus its place on the page */
export const rowKey = (r: AccessLogRow, i: number) => (r.requestId ? `${r.node}|${r.requestId}` : `${r.node}|${r.startTime}|${r.path}|${i}`);
