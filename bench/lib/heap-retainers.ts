// The largest retainers of a V8 heap snapshot (.heapsnapshot, as v8.writeHeapSnapshot and --heapsnapshot-signal
// write it), computed the way Chrome DevTools' Summary view does (front_end/entrypoints/heap_snapshot_worker/
// HeapSnapshot.ts): the dominator tree over the "essential" edges (weak edges never retain; shortcut edges only
// from the root), each object's retained size = its own size plus everything it dominates, and per constructor
// the retained sizes of its instances not dominated by another instance of the same constructor (so nothing is
// counted twice within a class). Dominators by Cooper, Harvey and Kennedy's iterative algorithm on the reverse
// postorder, as DevTools does.
//
// A console snapshot at 10,000 routes has millions of nodes and hundreds of MB of JSON, more than one JS string
// holds: the file is read as bytes and the node and edge arrays are parsed straight into typed arrays; only the
// header and the strings table go through JSON.parse.
import fs from "node:fs";

export interface HeapClass {
  /** the constructor (objects), or DevTools' group name: (system), (string), (array), (closure), (compiled code)… */
  name: string;
  count: number;
  selfBytes: number;
  /** retained by the instances not dominated by another instance of this class */
  retainedBytes: number;
  /** the largest instance: its retained size and the last hops of its shortest path from the GC roots */
  largest: { retainedBytes: number; path: string };
}

export interface HeapSummary {
  fileBytes: number;
  nodes: number;
  edges: number;
  /** everything reachable from the roots: the live JS heap after the snapshot's GC */
  totalBytes: number;
  top: HeapClass[];
}

interface Meta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
}

const NONE = 0xffffffff;

/** Unsigned integers of a JSON array starting at `from` (just after its `[`), into a typed array of `count`. */
function readInts(buf: Buffer, from: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let i = 0;
  let n = 0;
  let digits = false;
  for (let p = from; p < buf.length; p++) {
    const c = buf[p];
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits = true;
      continue;
    }
    if (digits) {
      if (i < count) out[i] = n;
      i++;
      n = 0;
      digits = false;
    }
    if (c === 93) break; // ]
  }
  if (i !== count) throw new Error(`heap snapshot: expected ${count} integers, read ${i}`);
  return out;
}

function section(buf: Buffer, key: string): number {
  const at = buf.indexOf(`"${key}":[`);
  if (at < 0) throw new Error(`heap snapshot: no "${key}" array`);
  return at + key.length + 4;
}

export function analyseHeapSnapshot(file: string, topN = 10): HeapSummary {
  const buf = fs.readFileSync(file);
  const nodesAt = section(buf, "nodes");
  const header = JSON.parse(buf.toString("utf8", 0, nodesAt - '"nodes":['.length).replace(/,\s*$/, "") + "}") as {
    snapshot: { meta: Meta; node_count: number; edge_count: number };
  };
  const { meta, node_count: N, edge_count: E } = header.snapshot;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const nodes = readInts(buf, nodesAt, N * NF);
  const edges = readInts(buf, section(buf, "edges"), E * EF);
  const stringsAt = buf.lastIndexOf('"strings":[');
  const strings = JSON.parse(buf.toString("utf8", stringsAt + '"strings":'.length, buf.lastIndexOf("]") + 1)) as string[];

  const [nType, nName, nSelf, nEdges] = ["type", "name", "self_size", "edge_count"].map((f) => meta.node_fields.indexOf(f));
  const [eType, eName, eTo] = ["type", "name_or_index", "to_node"].map((f) => meta.edge_fields.indexOf(f));
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const WEAK = edgeTypes.indexOf("weak");
  const SHORTCUT = edgeTypes.indexOf("shortcut");
  const ROOT = 0;

  const firstEdge = new Uint32Array(N + 1);
  for (let n = 0; n < N; n++) firstEdge[n + 1] = firstEdge[n] + nodes[n * NF + nEdges] * EF;
  const essential = (from: number, e: number) => {
    const t = edges[e + eType];
    return t !== WEAK && (t !== SHORTCUT || from === ROOT);
  };

  // ---- postorder of a DFS from the root over essential edges
  const postIndex = new Uint32Array(N).fill(NONE);
  const post = new Uint32Array(N);
  const seen = new Uint8Array(N);
  const stack = new Uint32Array(N);
  const cursor = new Uint32Array(N);
  let sp = 0;
  let R = 0;
  stack[sp++] = ROOT;
  seen[ROOT] = 1;
  cursor[ROOT] = firstEdge[ROOT];
  while (sp > 0) {
    const n = stack[sp - 1];
    let pushed = false;
    while (cursor[n] < firstEdge[n + 1]) {
      const e = cursor[n];
      cursor[n] += EF;
      const to = edges[e + eTo] / NF;
      if (!seen[to] && essential(n, e)) {
        seen[to] = 1;
        cursor[to] = firstEdge[to];
        stack[sp++] = to;
        pushed = true;
        break;
      }
    }
    if (!pushed) {
      sp--;
      postIndex[n] = R;
      post[R++] = n;
    }
  }

  // ---- predecessors (postorder indices) of every reachable node
  const predStart = new Uint32Array(R + 1);
  for (let pi = 0; pi < R; pi++) {
    const n = post[pi];
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EF) {
      const to = postIndex[edges[e + eTo] / NF];
      if (to !== NONE && essential(n, e)) predStart[to + 1]++;
    }
  }
  for (let i = 0; i < R; i++) predStart[i + 1] += predStart[i];
  const preds = new Uint32Array(predStart[R]);
  const fill = predStart.slice(0, R);
  for (let pi = 0; pi < R; pi++) {
    const n = post[pi];
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EF) {
      const to = postIndex[edges[e + eTo] / NF];
      if (to !== NONE && essential(n, e)) preds[fill[to]++] = pi;
    }
  }

  // ---- immediate dominators (Cooper, Harvey, Kennedy), in postorder indices; the root is R - 1
  const idom = new Uint32Array(R).fill(NONE);
  idom[R - 1] = R - 1;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (a < b) a = idom[a];
      while (b < a) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let pi = R - 2; pi >= 0; pi--) {
      let d = NONE;
      for (let k = predStart[pi]; k < predStart[pi + 1]; k++) {
        const p = preds[k];
        if (idom[p] === NONE) continue;
        d = d === NONE ? p : intersect(p, d);
      }
      if (idom[pi] !== d) {
        idom[pi] = d;
        changed = true;
      }
    }
  }

  // ---- retained sizes: a node comes before its dominator in postorder
  const retained = new Float64Array(R);
  for (let pi = 0; pi < R; pi++) retained[pi] = nodes[post[pi] * NF + nSelf];
  for (let pi = 0; pi < R - 1; pi++) retained[idom[pi]] += retained[pi];

  // ---- classes
  const className = (n: number): string => {
    const type = nodeTypes[nodes[n * NF + nType]];
    if (type === "object" || type === "native") return strings[nodes[n * NF + nName]] || "(anonymous)";
    if (type === "hidden") return "(system)";
    if (type === "code") return "(compiled code)";
    if (type === "concatenated string" || type === "sliced string") return "(string)";
    return `(${type})`;
  };
  const classIds = new Map<string, number>();
  const classOf = new Uint32Array(R);
  for (let pi = 0; pi < R; pi++) {
    const name = className(post[pi]);
    let id = classIds.get(name);
    if (id === undefined) classIds.set(name, (id = classIds.size));
    classOf[pi] = id;
  }
  const C = classIds.size;
  const count = new Float64Array(C);
  const self = new Float64Array(C);
  const largest = new Uint32Array(C).fill(NONE);
  for (let pi = 0; pi < R - 1; pi++) {
    const c = classOf[pi];
    count[c]++;
    self[c] += nodes[post[pi] * NF + nSelf];
    if (largest[c] === NONE || retained[pi] > retained[largest[c]]) largest[c] = pi;
  }

  // ---- per class, without counting an instance another instance of the same class dominates
  const childStart = new Uint32Array(R + 1);
  for (let pi = 0; pi < R - 1; pi++) childStart[idom[pi] + 1]++;
  for (let i = 0; i < R; i++) childStart[i + 1] += childStart[i];
  const children = new Uint32Array(R);
  const cfill = childStart.slice(0, R);
  for (let pi = 0; pi < R - 1; pi++) children[cfill[idom[pi]]++] = pi;
  const classRetained = new Float64Array(C);
  const active = new Uint32Array(C);
  const domStack = new Uint32Array(R);
  const next = new Uint32Array(R);
  let ds = 0;
  domStack[ds++] = R - 1;
  next[R - 1] = childStart[R - 1];
  active[classOf[R - 1]]++;
  while (ds > 0) {
    const pi = domStack[ds - 1];
    if (next[pi] < childStart[pi + 1]) {
      const ch = children[next[pi]++];
      const c = classOf[ch];
      if (active[c] === 0) classRetained[c] += retained[ch];
      active[c]++;
      next[ch] = childStart[ch];
      domStack[ds++] = ch;
    } else {
      active[classOf[pi]]--;
      ds--;
    }
  }

  // ---- the shortest path from the root to a node (BFS over essential edges), for the largest instances
  const parentEdge = new Uint32Array(N).fill(NONE);
  const parentNode = new Uint32Array(N).fill(NONE);
  const queue = new Uint32Array(R);
  let qh = 0;
  let qt = 0;
  queue[qt++] = ROOT;
  parentNode[ROOT] = ROOT;
  while (qh < qt) {
    const n = queue[qh++];
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EF) {
      const to = edges[e + eTo] / NF;
      if (parentNode[to] === NONE && essential(n, e)) {
        parentNode[to] = n;
        parentEdge[to] = e;
        queue[qt++] = to;
      }
    }
  }
  const edgeLabel = (e: number) => {
    const t = edgeTypes[edges[e + eType]];
    const v = edges[e + eName];
    return t === "element" || t === "hidden" ? `[${v}]` : strings[v];
  };
  const nodeLabel = (n: number) => {
    const type = nodeTypes[nodes[n * NF + nType]];
    const name = strings[nodes[n * NF + nName]];
    if (type === "closure") return `${name || "(anonymous)"}()`;
    if (type === "hidden" || type === "synthetic") return name;
    return className(n);
  };
  /** "global.keep → Holder.items → Array": the last `hops` hops, "…" when the path is longer */
  const pathTo = (n: number, hops = 6) => {
    const chain: number[] = [];
    for (let at = n; at !== ROOT && parentNode[at] !== NONE; at = parentNode[at]) chain.unshift(at);
    const shown = chain.slice(-hops - 1);
    let text = shown.length < chain.length ? "… " : "";
    shown.forEach((at, i) => {
      if (i > 0) {
        const e = edgeLabel(parentEdge[at]);
        text += `${e.startsWith("[") ? "" : "."}${e} → `;
      }
      text += nodeLabel(at);
    });
    return text;
  };

  const names = [...classIds.keys()];
  const top = [...classIds.values()]
    .filter((c) => c !== classOf[R - 1] && count[c] > 0)
    .sort((a, b) => classRetained[b] - classRetained[a])
    .slice(0, topN)
    .map((c) => ({
      name: names[c],
      count: count[c],
      selfBytes: self[c],
      retainedBytes: classRetained[c],
      largest: { retainedBytes: retained[largest[c]], path: pathTo(post[largest[c]]) },
    }));
  return { fileBytes: buf.length, nodes: N, edges: E, totalBytes: retained[R - 1], top };
}
