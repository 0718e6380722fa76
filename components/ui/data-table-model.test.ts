import { describe, expect, it } from "vitest";
import { constructTable } from "@tanstack/react-table";
import { storeReactivityBindings } from "@tanstack/table-core/store-reactivity-bindings";
import {
  ariaRowCount,
  ariaRowIndex,
  canGlobalFilter,
  columnDefs,
  compareValues,
  displayItems,
  moveIndex,
  queryWords,
  tableModelFeatures,
  textFilter,
  widthShares,
  type Column,
} from "./data-table-model";

interface Version {
  id: string;
  number: number;
  author: string;
  message: string;
  env: string;
}

const rows: Version[] = [
  { id: "a", number: 2, author: "alice", message: "Send /api to backend", env: "prod" },
  { id: "b", number: 10, author: "bob", message: "Roll back", env: "prod" },
  { id: "c", number: 1, author: "Carol", message: "first", env: "staging" },
  { id: "d", number: 3, author: "bob", message: "", env: "staging" },
];

const columns: Column<Version>[] = [
  { key: "number", header: "Version", cell: (v) => `v${v.number}`, value: (v) => v.number, sortable: true },
  { key: "author", header: "Author", cell: (v) => v.author, value: (v) => v.author, sortable: true },
  { key: "message", header: "Message", cell: (v) => v.message, value: (v) => v.message || null, sortable: true },
  { key: "actions", header: "", cell: () => "…" },
];

/** The same table the DataTable builds, without React: TanStack's row models over our column definitions. */
function model(data: Version[], searchText?: (v: Version) => string) {
  return constructTable({
    // the React adapter adds its own reactivity to the same features; plain TanStack Store here
    features: { ...tableModelFeatures, coreReactivityFeature: storeReactivityBindings() } as typeof tableModelFeatures,
    data,
    columns: columnDefs(columns, searchText),
    getRowId: (v) => v.id,
    globalFilterFn: textFilter<Version>(),
    getColumnCanGlobalFilter: canGlobalFilter,
  });
}
const ids = (t: ReturnType<typeof model>) => t.getRowModel().rows.map((r) => r.id);

describe("DataTable model: text filter", () => {
  it("keeps rows holding every word of the query, in any column, any case", () => {
    const t = model(rows);
    t.setGlobalFilter("BOB");
    expect(ids(t)).toEqual(["b", "d"]);
    t.setGlobalFilter("bob roll");
    expect(ids(t)).toEqual(["b"]);
    // words may sit in different columns
    t.setGlobalFilter("alice backend");
    expect(ids(t)).toEqual(["a"]);
    t.setGlobalFilter("nobody");
    expect(ids(t)).toEqual([]);
    t.setGlobalFilter("   ");
    expect(ids(t)).toEqual(["a", "b", "c", "d"]);
  });

  it("searches the table's extra text, and only columns with a value", () => {
    const t = model(rows, (v) => v.env);
    t.setGlobalFilter("staging");
    expect(ids(t)).toEqual(["c", "d"]);
    // the actions column has no value: its cell text is not searched
    t.setGlobalFilter("…");
    expect(ids(t)).toEqual([]);
    expect(queryWords("  Foo\tbar  ")).toEqual(["foo", "bar"]);
  });
});

describe("DataTable model: sorting", () => {
  it("sorts numbers by value and text by a numeric-aware, case-blind collation", () => {
    const t = model(rows);
    t.getColumn("number")!.toggleSorting(false);
    expect(ids(t)).toEqual(["c", "a", "d", "b"]);
    t.getColumn("number")!.toggleSorting(true);
    expect(ids(t)).toEqual(["b", "d", "a", "c"]);
    t.setSorting([{ id: "author", desc: false }]);
    expect(ids(t)).toEqual(["a", "b", "d", "c"]);
    expect(compareValues("v2", "v10")).toBeLessThan(0);
  });

  it("puts empty values last in both directions and cycles back to the data's order", () => {
    const t = model(rows);
    const message = t.getColumn("message")!;
    expect(message.getCanSort()).toBe(true);
    expect(t.getColumn("actions")).toBeUndefined();
    message.toggleSorting();
    expect(message.getIsSorted()).toBe("asc");
    expect(ids(t).at(-1)).toBe("d");
    message.toggleSorting();
    expect(message.getIsSorted()).toBe("desc");
    expect(ids(t).at(-1)).toBe("d");
    message.toggleSorting();
    expect(message.getIsSorted()).toBe(false);
    expect(ids(t)).toEqual(["a", "b", "c", "d"]);
  });

  it("filters and sorts together", () => {
    const t = model(rows);
    t.setGlobalFilter("b");
    t.setSorting([{ id: "number", desc: true }]);
    expect(ids(t)).toEqual(["b", "d", "a"]);
  });
});

describe("DataTable model: display items, keyboard and ARIA", () => {
  const asRows = (vs: Version[]) => vs.map((v) => ({ id: v.id, original: v }));

  it("puts group headers before their rows and details under open rows", () => {
    const items = displayItems(asRows(rows), { groupOf: (v) => v.env, isOpen: (v) => v.id === "c" });
    expect(items.map((i) => i.key)).toEqual(["g:prod", "r:a", "r:b", "g:staging", "r:c", "d:c", "r:d"]);
    expect(items[0]).toMatchObject({ kind: "group", count: 2 });
    // without grouping: just rows (and details)
    expect(displayItems(asRows(rows)).map((i) => i.key)).toEqual(["r:a", "r:b", "r:c", "r:d"]);
  });

  it("moves between rows only, skipping group headers and details", () => {
    const items = displayItems(asRows(rows), { groupOf: (v) => v.env, isOpen: (v) => v.id === "c" });
    // 0 g:prod, 1 a, 2 b, 3 g:staging, 4 c, 5 d:c, 6 d
    expect(moveIndex(items, 1, "ArrowDown")).toBe(2);
    expect(moveIndex(items, 2, "ArrowDown")).toBe(4);
    expect(moveIndex(items, 4, "ArrowDown")).toBe(6);
    expect(moveIndex(items, 6, "ArrowDown")).toBe(6);
    expect(moveIndex(items, 4, "ArrowUp")).toBe(2);
    expect(moveIndex(items, 1, "ArrowUp")).toBe(1);
    expect(moveIndex(items, 4, "Home")).toBe(1);
    expect(moveIndex(items, 1, "End")).toBe(6);
    expect(moveIndex(items, 1, "PageDown", 2)).toBe(4);
    expect(moveIndex(items, 6, "PageUp", 10)).toBe(1);
    expect(moveIndex(items, 1, "x")).toBeNull();
    // from nowhere (nothing focused yet): the first row, or the last for End
    expect(moveIndex(items, -1, "ArrowDown")).toBe(1);
    expect(moveIndex(items, 0, "End")).toBe(6);
    expect(moveIndex([], -1, "ArrowDown")).toBeNull();
  });

  it("numbers rows for assistive technology across the whole list, header first", () => {
    const items = displayItems(asRows(rows), { groupOf: (v) => v.env });
    expect(ariaRowCount(items.length)).toBe(7);
    expect(ariaRowIndex(0)).toBe(2);
    expect(ariaRowIndex(items.length - 1)).toBe(ariaRowCount(items.length));
    // 10,000 rows: counted, though only a few are rendered
    expect(ariaRowCount(displayItems(asRows(Array.from({ length: 10_000 }, (_, i) => ({ ...rows[0], id: String(i) })))).length)).toBe(10_001);
  });

  it("keeps measured column widths as shares of the table", () => {
    expect(widthShares([50, 150, 200])).toEqual(["12.50%", "37.50%", "50.00%"]);
    expect(widthShares([0, 0])).toEqual(["auto", "auto"]);
  });
});
