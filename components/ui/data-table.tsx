"use client";
// The console's one table: columns as data (header, cell renderer, numeric alignment), rows keyed, an empty
// message, and paging for long lists so a thousand rows never render at once.
import { useState, type ReactNode } from "react";

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** right-aligned, tabular figures */
  num?: boolean;
  /** explains the column on hover */
  title?: string;
  width?: number | string;
  className?: string;
}

interface Props<T> {
  label: string;
  columns: Column<T>[];
  rows: T[];
  /** unique per row; `index` (on the page) breaks ties for rows without an identity */
  rowKey: (row: T, index: number) => string;
  rowTestId?: string;
  rowClassName?: (row: T) => string | undefined;
  empty?: ReactNode;
  pageSize?: number;
}

export function DataTable<T>({ label, columns, rows, rowKey, rowTestId, rowClassName, empty, pageSize = 100 }: Props<T>) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const current = Math.min(page, pages - 1);
  const visible = rows.length > pageSize ? rows.slice(current * pageSize, (current + 1) * pageSize) : rows;
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} className={[c.num ? "num" : "", c.className ?? ""].join(" ").trim() || undefined} title={c.title} style={c.width ? { width: c.width } : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {visible.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="muted">
                {empty ?? "Nothing to show."}
              </td>
            </tr>
          ) : (
            visible.map((row, i) => (
              <tr key={rowKey(row, i)} data-testid={rowTestId} className={rowClassName?.(row)}>
                {columns.map((c) => (
                  <td key={c.key} className={[c.num ? "num" : "", c.className ?? ""].join(" ").trim() || undefined}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
      {rows.length > pageSize && (
        <div className="table-foot">
          <span className="muted small">
            {(current * pageSize + 1).toLocaleString()}–{Math.min(rows.length, (current + 1) * pageSize).toLocaleString()} of {rows.length.toLocaleString()}
          </span>
          <span className="spacer" />
          <button type="button" className="btn small" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </button>
          <button type="button" className="btn small" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            Next
          </button>
        </div>
      )}
    </div>
  );
}
