// Focus inside a modal layer (a side panel or a dialog, panel.tsx): it moves in when the layer opens, Tab and
// Shift+Tab cycle through the layer's controls and never leave it, focus that lands outside (a click through,
// a script) is brought back, and on close it returns to the element that had it before (the button that opened
// it). Layers stack: a confirmation opened from a drawer owns Tab and Escape until it closes. This is the
// WAI-ARIA Authoring Practices' modal dialog pattern ("Dialog (Modal)", keyboard interaction).
import { useCallback, useEffect, useRef, type RefObject } from "react";

/** Where Tab goes among `count` controls from index `current` (-1: none of them has focus): one step on, wrapping
 *  round at either end; -1 when there is nothing to focus. Pure. */
export function nextFocusIndex(count: number, current: number, backwards: boolean): number {
  if (count <= 0) return -1;
  if (current < 0 || current >= count) return backwards ? count - 1 : 0;
  return (current + (backwards ? count - 1 : 1)) % count;
}

// `:disabled`, not `[disabled]`: a control inside a disabled fieldset (a viewer's read-only form) cannot take focus either
const FOCUSABLE = [
  "a[href]", "button:not(:disabled)", "input:not(:disabled):not([type=hidden])", "select:not(:disabled)", "textarea:not(:disabled)",
  "summary", "[contenteditable=true]", "[tabindex]",
].join(", ");

/** The controls Tab visits inside `root`, in document order: enabled, shown, and of a radio group only the one
 *  Tab would stop at (the checked one, else the first), as the browser does. */
export function focusableIn(root: HTMLElement): HTMLElement[] {
  const radios = new Set<string>();
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => {
    if (el.tabIndex < 0 || el.closest("[inert]") || el.getClientRects().length === 0) return false;
    if (el instanceof HTMLInputElement && el.type === "radio" && el.name) {
      const group = root.querySelectorAll<HTMLInputElement>(`input[type=radio][name="${CSS.escape(el.name)}"]`);
      const stop = [...group].find((r) => r.checked) ?? group[0];
      if (el !== stop || radios.has(el.name)) return false;
      radios.add(el.name);
    }
    return true;
  });
}

// open layers, innermost last
const layers: symbol[] = [];
const isTop = (layer: symbol) => layers[layers.length - 1] === layer;

/** What first gets focus in a layer: its first field or button, not its close button. */
const INITIAL = "input:not([type=hidden]):not(:disabled), select:not(:disabled), textarea:not(:disabled), button:not([data-close]):not(:disabled)";

/**
 * Traps focus in `ref` while mounted; returns whether this layer is the innermost open one (for Escape, read when
 * the key is pressed).
 */
export function useFocusTrap(ref: RefObject<HTMLElement | null>): () => boolean {
  const layer = useRef<symbol>(Symbol("layer"));
  useEffect(() => {
    const me = layer.current;
    const root = ref.current;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    layers.push(me);
    if (root) (root.querySelector<HTMLElement>(INITIAL) ?? root).focus();

    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Tab" || !root || !isTop(me)) return;
      const items = focusableIn(root);
      const next = nextFocusIndex(items.length, items.indexOf(document.activeElement as HTMLElement), e.shiftKey);
      e.preventDefault();
      (next < 0 ? root : items[next]).focus();
    };
    const onFocusIn = (e: FocusEvent) => {
      if (!root || !isTop(me) || root.contains(e.target as Node)) return;
      (focusableIn(root)[0] ?? root).focus();
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("focusin", onFocusIn);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("focusin", onFocusIn);
      layers.splice(layers.indexOf(me), 1);
      if (previous?.isConnected) previous.focus();
    };
  }, [ref]);
  return useCallback(() => isTop(layer.current), []);
}
