"use client";
// The Review drawer's "Canary first": the new version goes to some nodes before it goes live for all. Its value
// is the `canary` of POST /api/versions (lib/contract/rollout.ts): {nodes} picked from the connected ones,
// {selector} typed as k=v,k2=v2 (matched against --node-label pairs), or {percent}; undefined when off.
import { useState } from "react";
import type { CanaryTarget } from "@/lib/contract/rollout";
import { useNodesQuery } from "@/components/queries/use-nodes-query";

type Mode = "nodes" | "selector" | "percent";

/** `k=v,k2=v2` as an object, or an error naming the part that is not a pair. */
export function parseSelector(text: string): { selector?: Record<string, string>; error?: string } {
  const selector: Record<string, string> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf("=");
    if (i <= 0) return { error: `"${part}" is not key=value` };
    selector[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  if (!Object.keys(selector).length) return { error: "Type at least one key=value." };
  return { selector };
}

export function useCanaryOption() {
  const [on, setOn] = useState(false);
  const [mode, setMode] = useState<Mode>("nodes");
  const [nodes, setNodes] = useState<string[]>([]);
  const [selectorText, setSelectorText] = useState("");
  const [percent, setPercent] = useState("10");
  let error: string | undefined;
  let target: CanaryTarget | undefined;
  if (on && mode === "nodes") {
    if (nodes.length) target = { nodes };
    else error = "Pick at least one node.";
  } else if (on && mode === "selector") {
    const p = parseSelector(selectorText);
    if (p.selector) target = { selector: p.selector };
    else error = p.error;
  } else if (on) {
    const n = Number(percent);
    if (Number.isInteger(n) && n >= 1 && n <= 99) target = { percent: n };
    else error = "The percentage must be a whole number from 1 to 99.";
  }
  return { on, setOn, mode, setMode, nodes, setNodes, selectorText, setSelectorText, percent, setPercent, error, target };
}

export function CanaryOption({ state }: { state: ReturnType<typeof useCanaryOption> }) {
  const s = state;
  const connected = (useNodesQuery().data ?? []).filter((n) => n.connected);
  const toggle = (id: string, checked: boolean) => s.setNodes(checked ? [...s.nodes, id] : s.nodes.filter((x) => x !== id));
  return (
    <fieldset className="stack" aria-label="Canary first" data-testid="canary-option" style={{ border: 0, padding: 0, margin: 0 }}>
      <label className="row" style={{ gap: 6 }}>
        <input type="checkbox" checked={s.on} onChange={(e) => s.setOn(e.target.checked)} aria-label="Canary first" />
        <span>Canary first: publish to some nodes, then promote it to all</span>
      </label>
      {s.on && (
        <div className="stack" style={{ paddingLeft: 22 }}>
          <div className="row wrap" role="radiogroup" aria-label="Canary target">
            {(["nodes", "selector", "percent"] as const).map((m) => (
              <label key={m} className="row" style={{ gap: 4 }}>
                <input type="radio" name="canary-mode" value={m} checked={s.mode === m} onChange={() => s.setMode(m)} />
                <span>{m === "nodes" ? "Nodes" : m === "selector" ? "Label selector" : "Percentage"}</span>
              </label>
            ))}
          </div>
          {s.mode === "nodes" &&
            (connected.length === 0 ? (
              <span className="small muted">No node is connected.</span>
            ) : (
              <div className="row wrap" aria-label="Canary nodes">
                {connected.map((n) => (
                  <label key={n.id} className="row" style={{ gap: 4 }}>
                    <input type="checkbox" checked={s.nodes.includes(n.id)} onChange={(e) => toggle(n.id, e.target.checked)} />
                    <code>{n.id}</code>
                  </label>
                ))}
              </div>
            ))}
          {s.mode === "selector" && (
            <label className="stack">
              <span className="small">Nodes whose labels match every pair</span>
              <input type="text" aria-label="Label selector" placeholder="zone=eu-west,tier=edge" value={s.selectorText} onChange={(e) => s.setSelectorText(e.target.value)} autoComplete="off" />
            </label>
          )}
          {s.mode === "percent" && (
            <label className="row" style={{ gap: 6 }}>
              <input type="number" aria-label="Canary percentage" min={1} max={99} step={1} value={s.percent} onChange={(e) => s.setPercent(e.target.value)} style={{ width: 70 }} />
              <span>% of the connected nodes ({connected.length}), at least one</span>
            </label>
          )}
          {s.error && (
            <span className="small" role="alert">
              {s.error}
            </span>
          )}
        </div>
      )}
    </fieldset>
  );
}
