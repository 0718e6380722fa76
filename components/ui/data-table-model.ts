// The DataTable's model, apart from React: columns as data turned into TanStack Table column definitions (sort
// and text filter run in TanStack's memoised row models, so a re-render with the same rows and columns filters and
// sorts nothing), the flat list of what the virtualised body shows (group headers, rows, expanded details), keyboard
// movement over it and the ARIA row numbers of a table whose rows are not all in the DOM.
import type { ReactNode } from "react";
import {
  columnFilteringFeature,
  createFilteredRowModel,
  createSortedRowModel,
  globalFilteringFeature,
  rowSortingFeature,
  tableFeatures,
  type ColumnDef,
  type FilterFn,
  type Row,
  type RowData,
  type SortFn,
} from "@tanstack/react-table";

export type { RowData };

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
  /** the column's plain value: what the text filter searches, and what the column sorts by */
  value?: (row: T) => string | number | null | undefined;
  /** the header sorts the rows by `value` (ascending, descending, then back to the data's order) */
  sortable?: boolean;
}

export const tableModelFeatures = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  columnFilteringFeature,
  globalFilteringFeature,
  filteredRowModel: createFilteredRowModel(),
});
export type TableModelFeatures = typeof tableModelFeatures;
export type ModelRow<T extends RowData> = Row<TableModelFeatures, T>;

/** The hidden column the text filter reads: every column's value and the table's extra search text, lowercased. */
export const SEARCH_COLUMN = "__search";

/** "  Foo  bar " → ["foo", "bar"]: the filter keeps rows containing every word, in any column, in any order. */
export function queryWords(q: string): string[] {
  return q.toLowerCase().split(/\s+/).filter(Boolean);
}

export function matchesWords(haystack: string, words: readonly string[]): boolean {
  for (const w of words) if (!haystack.includes(w)) return false;
  return true;
}

/** The text filter: the search column holds every word of the query. */
export function textFilter<T extends RowData>(): FilterFn<TableModelFeatures, T> {
  const fn: FilterFn<TableModelFeatures, T> = (row, columnId, words: string[]) => matchesWords(row.getValue<string>(columnId), words);
  fn.resolveFilterValue = (q: string) => queryWords(q);
  fn.autoRemove = (q) => typeof q !== "string" || queryWords(q).length === 0;
  return fn;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Numbers by value, text by a numeric-aware collation ("v2" before "v10"); empty values sort last either way. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * TanStack column definitions for `columns`: one per column with a `value` (sortable when asked), plus the search
 * column. Values are computed lazily and cached per row by TanStack until the rows or the columns change.
 */
export function columnDefs<T extends RowData>(columns: readonly Column<T>[], searchText?: (row: T) => string): ColumnDef<TableModelFeatures, T>[] {
  const valued = columns.filter((c) => c.value);
  const sortByValue: SortFn<TableModelFeatures, T> = (a, b, id) => compareValues(a.getValue(id), b.getValue(id));
  const defs: ColumnDef<TableModelFeatures, T>[] = valued.map((c) => ({
    id: c.key,
    accessorFn: (row: T) => c.value!(row) ?? undefined,
    enableSorting: Boolean(c.sortable),
    enableGlobalFilter: false,
    sortFn: sortByValue,
    sortUndefined: "last",
    // ascending first for every column: the data usually comes newest (or largest) first already
    sortDescFirst: false,
  }));
  defs.push({
    id: SEARCH_COLUMN,
    accessorFn: (row: T) => {
      const parts = valued.map((c) => c.value!(row) ?? "");
      if (searchText) parts.push(searchText(row));
      return parts.join("\n").toLowerCase();
    },
    enableSorting: false,
  });
  return defs;
}

/** Only the search column takes part in the text filter (it already holds every column's value). */
export const canGlobalFilter = (column: { id: string }) => column.id === SEARCH_COLUMN;

export type DisplayItem<T> =
  | { kind: "group"; key: string; group: string; count: number }
  | { kind: "row"; key: string; row: T }
  | { kind: "detail"; key: string; row: T };

export interface DisplayOptions<T> {
  /** the row's group: rows are shown group by group, each group under a header, in the order groups first appear */
  groupOf?: (row: T) => string;
  /** the row has an expanded detail shown under it */
  isOpen?: (row: T) => boolean;
}

/** What the body shows, top to bottom: `rows` (already filtered and sorted, with their ids) with group headers and details. */
export function displayItems<T>(rows: readonly { id: string; original: T }[], opts: DisplayOptions<T> = {}): DisplayItem<T>[] {
  const out: DisplayItem<T>[] = [];
  const push = (r: { id: string; original: T }) => {
    out.push({ kind: "row", key: `r:${r.id}`, row: r.original });
    if (opts.isOpen?.(r.original)) out.push({ kind: "detail", key: `d:${r.id}`, row: r.original });
  };
  if (!opts.groupOf) {
    for (const r of rows) push(r);
    return out;
  }
  const groups = new Map<string, { id: string; original: T }[]>();
  for (const r of rows) {
    const g = opts.groupOf(r.original);
    const list = groups.get(g);
    if (list) list.push(r);
    else groups.set(g, [r]);
  }
  for (const [group, list] of groups) {
    out.push({ kind: "group", key: `g:${group}`, group, count: list.length });
    for (const r of list) push(r);
  }
  return out;
}

/**
 * Where focus goes from display index `current` on `key`: the next or previous row (group headers and details are
 * skipped), the first or last row, or `page` rows on. null: the key is not a movement key, or there is no row.
 */
export function moveIndex(items: readonly { kind: string }[], current: number, key: string, page = 10): number | null {
  const isRow = (i: number) => items[i]?.kind === "row";
  const first = () => {
    for (let i = 0; i < items.length; i++) if (isRow(i)) return i;
    return null;
  };
  const last = () => {
    for (let i = items.length - 1; i >= 0; i--) if (isRow(i)) return i;
    return null;
  };
  const step = (from: number, dir: 1 | -1, n: number) => {
    let at = from;
    for (let i = from + dir, moved = 0; i >= 0 && i < items.length && moved < n; i += dir) {
      if (isRow(i)) {
        at = i;
        moved++;
      }
    }
    return at;
  };
  if (current < 0 || current >= items.length || !isRow(current)) return key === "End" ? last() : ["ArrowDown", "ArrowUp", "Home", "PageDown", "PageUp"].includes(key) ? first() : null;
  switch (key) {
    case "ArrowDown":
      return step(current, 1, 1);
    case "ArrowUp":
      return step(current, -1, 1);
    case "PageDown":
      return step(current, 1, page);
    case "PageUp":
      return step(current, -1, page);
    case "Home":
      return first();
    case "End":
      return last();
    default:
      return null;
  }
}

/** aria-rowcount of the table: every display item plus the header row, rendered or not. */
export const ariaRowCount = (items: number) => items + 1;
/** aria-rowindex of display item `index` (1 is the header row). */
export const ariaRowIndex = (index: number) => index + 2;

/** Column widths measured in pixels as percentages of their sum: fixed while rows scroll in and out, yet fluid. */
export function widthShares(px: readonly number[]): string[] {
  const total = px.reduce((a, b) => a + b, 0);
  if (total <= 0) return px.map(() => "auto");
  return px.map((w) => `${((w / total) * 100).toFixed(2)}%`);
}
