"use client";
// The DataTable's <table>: a sticky header and a virtualised body (TanStack Virtual) in a scroll box of its own, so
// only the rows in view and a few either side are in the DOM. Spacer rows above and below keep the native table
// layout (and the table/row/cell roles); aria-rowcount/aria-rowindex tell assistive technology where each rendered
// row sits. Rows are focusable (one tab stop, roving): arrows, Page Up/Down, Home and End move, Enter runs the row's
// primary action.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent, type ReactNode } from "react";
import { ariaRowCount, ariaRowIndex, moveIndex, widthShares, type Column, type DisplayItem } from "./data-table-model";

export interface SortControl {
  dir: false | "asc" | "desc";
  toggle: () => void;
}

interface Props<T> {
  label: string;
  columns: Column<T>[];
  items: DisplayItem<T>[];
  sortOf: (key: string) => SortControl | null;
  rowTestId?: string;
  rowClassName?: (row: T) => string | undefined;
  onRowActivate?: (row: T) => void;
  groupHeader?: (group: string, count: number) => ReactNode;
  detail?: (row: T) => ReactNode;
  /** shown as the only row when `items` is empty */
  emptyRow?: ReactNode;
  maxHeight: string | number;
  /** the last rows are in view (infinite paging) */
  onNearEnd?: () => void;
}

const ROW_ESTIMATE = 41;
const GROUP_ESTIMATE = 46;
const STICKY_HEADER = 36;

const cls = (c: Column<unknown>) => [c.num ? "num" : "", c.className ?? ""].join(" ").trim() || undefined;

export function DataTableBody<T>(props: Props<T>) {
  const { label, columns, items, sortOf, rowTestId, rowClassName, onRowActivate, groupHeader, detail, emptyRow, maxHeight, onNearEnd } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLTableRowElement>(null);
  const pendingFocus = useRef<number | null>(null);
  const [activeKey, setActiveKey] = useState<string | null>(null);

  // The console does not run the React Compiler, so nothing memoises around the virtualizer's functions: the
  // rule's warning (it skips compiling this component) changes nothing here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (items[i]?.kind === "group" ? GROUP_ESTIMATE : ROW_ESTIMATE),
    getItemKey: (i) => items[i]?.key ?? i,
    overscan: 8,
    // a screenful before the scroll box is measured (first paint, server render)
    initialRect: { width: 0, height: 640 },
    // rows scrolled to by the keyboard stay clear of the sticky header
    scrollPaddingStart: STICKY_HEADER,
    useFlushSync: false,
  });
  const virtual = virtualizer.getVirtualItems();
  const total = virtualizer.getTotalSize();
  const top = virtual.length ? virtual[0].start : 0;
  const bottom = virtual.length ? total - virtual[virtual.length - 1].end : 0;
  const windowing = virtual.length < items.length;

  // Column widths: measured once the table first scrolls (auto layout would re-flow as rows come and go), then kept
  // as shares of the width so the table still follows its container.
  const colsKey = columns.map((c) => c.key).join("\u0000");
  const [locked, setLocked] = useState<{ key: string; widths: string[] } | null>(null);
  const widths = locked?.key === colsKey ? locked.widths : null;
  useLayoutEffect(() => {
    if (!windowing || widths || !headRef.current) return;
    const px = [...headRef.current.children].map((th) => (th as HTMLElement).getBoundingClientRect().width);
    setLocked({ key: colsKey, widths: widthShares(px) });
  }, [windowing, widths, colsKey]);

  // focus follows the keyboard once the row it moved to is rendered
  useLayoutEffect(() => {
    const i = pendingFocus.current;
    if (i === null) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${i}"]`);
    if (el) {
      pendingFocus.current = null;
      el.focus({ preventScroll: true });
    }
  });

  const lastVisible = virtual.length ? virtual[virtual.length - 1].index : -1;
  useEffect(() => {
    if (onNearEnd && items.length > 0 && lastVisible >= items.length - 3) onNearEnd();
  }, [onNearEnd, lastVisible, items.length]);

  const firstRowKey = items.find((it) => it.kind === "row")?.key ?? null;
  const tabStop = activeKey !== null && items.some((it) => it.key === activeKey) ? activeKey : firstRowKey;

  const indexOf = (target: EventTarget | null): number | null => {
    const tr = (target as HTMLElement | null)?.closest?.("tr[data-index]");
    return tr && scrollRef.current?.contains(tr) ? Number(tr.getAttribute("data-index")) : null;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const at = indexOf(e.target);
    // keys typed into a row's buttons, links and inputs are theirs
    if (at === null || (e.target as HTMLElement).tagName !== "TR") return;
    const item = items[at];
    if (e.key === "Enter") {
      if (item?.kind === "row" && onRowActivate) {
        e.preventDefault();
        onRowActivate(item.row);
      }
      return;
    }
    const rowsPerPage = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_ESTIMATE) - 1);
    const next = moveIndex(items, at, e.key, rowsPerPage);
    if (next === null) return;
    e.preventDefault();
    setActiveKey(items[next].key);
    pendingFocus.current = next;
    virtualizer.scrollToIndex(next, { align: "auto" });
  };

  const onFocus = (e: FocusEvent<HTMLTableSectionElement>) => {
    const at = indexOf(e.target);
    if (at !== null && items[at]?.kind === "row" && items[at].key !== activeKey) setActiveKey(items[at].key);
  };

  const span = columns.length;
  return (
    <div ref={scrollRef} className="table-wrap data-table" style={{ maxHeight }}>
      <table aria-label={label} aria-rowcount={ariaRowCount(items.length)} style={widths ? { tableLayout: "fixed" } : undefined}>
        {widths && (
          <colgroup>
            {widths.map((w, i) => (
              <col key={columns[i]?.key ?? i} style={{ width: w }} />
            ))}
          </colgroup>
        )}
        <thead>
          <tr ref={headRef} aria-rowindex={1}>
            {columns.map((c) => {
              const sort = sortOf(c.key);
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={cls(c as Column<unknown>)}
                  title={c.title}
                  style={!widths && c.width ? { width: c.width } : undefined}
                  aria-sort={sort ? (sort.dir === "asc" ? "ascending" : sort.dir === "desc" ? "descending" : "none") : undefined}
                >
                  {sort ? (
                    <button type="button" className="th-sort" onClick={sort.toggle}>
                      {c.header}
                      <span aria-hidden="true" className="th-sort-mark">
                        {sort.dir === "asc" ? "▲" : sort.dir === "desc" ? "▼" : "↕"}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody onKeyDown={onKeyDown} onFocus={onFocus}>
          {items.length === 0 && emptyRow !== undefined && (
            <tr aria-rowindex={2}>
              <td colSpan={span} className="muted">
                {emptyRow}
              </td>
            </tr>
          )}
          {top > 0 && (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={span} style={{ height: top }} />
            </tr>
          )}
          {virtual.map((v) => {
            const item = items[v.index];
            const common = { "data-index": v.index, ref: virtualizer.measureElement, "aria-rowindex": ariaRowIndex(v.index) };
            if (item.kind === "group")
              return (
                <tr key={item.key} {...common} className="group-row">
                  <th colSpan={span} scope="colgroup">
                    {groupHeader ? groupHeader(item.group, item.count) : item.group}
                  </th>
                </tr>
              );
            if (item.kind === "detail")
              return (
                <tr key={item.key} {...common} className="detail-row">
                  <td colSpan={span}>{detail?.(item.row)}</td>
                </tr>
              );
            return (
              <tr key={item.key} {...common} data-testid={rowTestId} className={rowClassName?.(item.row)} tabIndex={item.key === tabStop ? 0 : -1}>
                {columns.map((c) => (
                  <td key={c.key} className={cls(c as Column<unknown>)}>
                    {c.cell(item.row)}
                  </td>
                ))}
              </tr>
            );
          })}
          {bottom > 0 && (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={span} style={{ height: bottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
