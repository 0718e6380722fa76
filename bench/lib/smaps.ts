// Where a process's RSS lives, from /proc/<pid>/smaps: file-backed mappings (the node binary, native addons such
// as Next's SWC binding and better-sqlite3, mapped files), the main thread's malloc arena ([heap]) and other
// anonymous memory (V8's heap pages, ArrayBuffer and WebAssembly memories, other threads' malloc arenas, stacks).
import fs from "node:fs";

export interface RssByKind {
  fileMb: number;
  mallocMainMb: number;
  anonMb: number;
  threads: number;
}

export function rssByKind(pid: number): RssByKind {
  const out = { fileMb: 0, mallocMainMb: 0, anonMb: 0, threads: 0 };
  let kind: keyof typeof out = "anonMb";
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const name = head[1];
      kind = name === "[heap]" ? "mallocMainMb" : name.startsWith("/") ? "fileMb" : "anonMb";
    } else if (line.startsWith("Rss:")) out[kind] += Number(line.split(/\s+/)[1]) / 1024;
  }
  out.threads = fs.readdirSync(`/proc/${pid}/task`).length;
  return out;
}
