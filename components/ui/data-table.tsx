"use client";
// The console's one table, on TanStack Table (sorting, text filter, memoised row models) and TanStack Virtual (only
// the rows in view are in the DOM, so 10,000 routes render as fast as 20). Columns are data (data-table-model.ts);
// the page hands over its rows, or the query they come from, and this shows the skeleton while it loads, the error
// with a retry, the empty state, the filter with its count, group headers, expanded details, row actions and
// "Load more" for lists the server pages.
import { useTable, type SortingState } from "@tanstack/react-table";
import { useMemo, useState, type ReactNode } from "react";
import { ErrorState } from "./error-state";
import { TableSkeleton } from "./skeleton";
import { useDebounced } from "./use-debounced";
import { DataTableBody, type SortControl } from "./data-table-body";
import { canGlobalFilter, columnDefs, displayItems, tableModelFeatures, textFilter, type Column, type RowData } from "./data-table-model";

export type { Column } from "./data-table-model";

/** The part of a react-query result the table needs to show loading and errors. */
export interface QueryState {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

export interface DataTableProps<T extends RowData> {
  /** the table's accessible name */
  label: string;
  columns: Column<T>[];
  /** undefined while `query` loads */
  rows: readonly T[] | undefined;
  /** unique per row (`index`: its place in `rows`) */
  rowKey: (row: T, index: number) => string;
  rowTestId?: string;
  rowClassName?: (row: T) => string | undefined;
  /** no rows at all: a sentence shown inside the table, or an element (an EmptyState) shown instead of it */
  empty?: ReactNode;
  /** where `rows` come from: its loading and error states are shown here, with a retry */
  query?: QueryState;
  /** what the rows are, in "Loading routes" and "Could not load routes" */
  what?: string;
  /** a text filter over the columns' values (and `searchText`); `value`/`onChange` to own it (in the URL: useUrlFilter) */
  filter?: { label: string; placeholder?: string; value?: string; onChange?: (q: string) => void };
  /** more text the filter searches besides the columns' values */
  searchText?: (row: T) => string;
  /** Enter on a focused row */
  onRowActivate?: (row: T) => void;
  /** the row's buttons and links, in a last column */
  rowActions?: (row: T) => ReactNode;
  /** a detail shown under the row while `isOpen` (a node's rejection, an audit entry's details) */
  detail?: { isOpen: (row: T) => boolean; render: (row: T) => ReactNode };
  /** rows shown group by group under a header row (groups in the order they first appear in `rows`) */
  groupBy?: { of: (row: T) => string; header: (group: string, count: number) => ReactNode };
  /** server-side paging: more rows are fetched as the end comes into view, or with the "Load more" button */
  more?: { hasMore: boolean; loading: boolean; onLoadMore: () => void; label?: string };
  /** controls shown next to the filter */
  toolbar?: ReactNode;
  /** the scroll box's height limit */
  maxHeight?: string | number;
  /** @deprecated ignored: the rows are virtualised rather than paged */
  pageSize?: number;
}

const DEBOUNCE_MS = 150;

export function DataTable<T extends RowData>(props: DataTableProps<T>) {
  const { label, columns, rows, rowKey, query, what = "rows", filter, searchText, rowActions, more, toolbar } = props;
  const [ownQuery, setOwnQuery] = useState("");
  const text = filter?.value ?? ownQuery;
  const setText = filter?.onChange ?? setOwnQuery;
  const applied = useDebounced(text.trim(), DEBOUNCE_MS);
  const [sorting, setSorting] = useState<SortingState>([]);

  const shown = useMemo<Column<T>[]>(
    () => (rowActions ? [...columns, { key: "__actions", header: <span className="sr-only">Actions</span>, className: "actions", cell: rowActions }] : columns),
    [columns, rowActions],
  );
  // new data whenever the columns change: TanStack caches each row's values until its data changes
  const model = useMemo(() => ({ data: rows ? [...rows] : [], columns: columnDefs(columns, searchText) }), [rows, columns, searchText]);
  const filterFn = useMemo(() => textFilter<T>(), []);
  const table = useTable({
    features: tableModelFeatures,
    data: model.data,
    columns: model.columns,
    getRowId: (row: T, index: number) => rowKey(row, index),
    state: { sorting, globalFilter: applied },
    onSortingChange: setSorting,
    globalFilterFn: filterFn,
    getColumnCanGlobalFilter: canGlobalFilter,
  });
  const visibleRows = table.getRowModel().rows;
  const groupOf = props.groupBy?.of;
  const isOpen = props.detail?.isOpen;
  const items = useMemo(() => displayItems(visibleRows, { groupOf, isOpen }), [visibleRows, groupOf, isOpen]);

  // read per render: the sorting state above re-renders the table when it changes
  const sortOf = (key: string): SortControl | null => {
    const c = table.getColumn(key);
    if (!c?.getCanSort()) return null;
    return { dir: c.getIsSorted(), toggle: () => c.toggleSorting(undefined, false) };
  };

  const filtering = applied !== "";
  const loadMore = more?.onLoadMore;
  const canLoad = Boolean(more?.hasMore && !more.loading && !filtering);
  const onNearEnd = useMemo(() => (canLoad && loadMore ? loadMore : undefined), [canLoad, loadMore]);

  if (!rows) {
    if (query?.isError) return <ErrorState what={what} error={query.error} onRetry={() => query.refetch()} />;
    return <TableSkeleton label={`Loading ${what}`} />;
  }
  const total = rows.length;
  if (total === 0 && props.empty !== undefined && typeof props.empty !== "string") return <>{props.empty}</>;

  const count = visibleRows.length;
  return (
    <div className="stack data-table-block">
      {query?.isError && <ErrorState what={what} error={query.error} onRetry={() => query.refetch()} />}
      {(filter || toolbar) && total > 0 && (
        <div className="row data-table-tools">
          {filter && (
            <input
              type="search"
              aria-label={filter.label}
              placeholder={filter.placeholder ?? `${filter.label}…`}
              value={text}
              onChange={(e) => setText(e.target.value)}
              className="data-table-filter"
            />
          )}
          {filtering && (
            <span className="muted small" role="status">
              {count.toLocaleString()} of {total.toLocaleString()}
            </span>
          )}
          <span className="spacer" />
          {toolbar}
        </div>
      )}
      <DataTableBody
        label={label}
        columns={shown}
        items={items}
        sortOf={sortOf}
        rowTestId={props.rowTestId}
        rowClassName={props.rowClassName}
        onRowActivate={props.onRowActivate}
        groupHeader={props.groupBy?.header}
        detail={props.detail?.render}
        emptyRow={total === 0 ? (props.empty ?? "Nothing to show.") : `Nothing matches “${applied}”.`}
        maxHeight={props.maxHeight ?? "min(72vh, 800px)"}
        onNearEnd={onNearEnd}
      />
      {more && (more.hasMore || more.loading) && (
        <div className="row data-table-more">
          <span className="muted small">{total.toLocaleString()} loaded</span>
          <button type="button" className="btn small" disabled={more.loading} onClick={more.onLoadMore}>
            {more.loading ? "Loading…" : (more.label ?? "Load more")}
          </button>
        </div>
      )}
    </div>
  );
}
