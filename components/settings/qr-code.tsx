"use client";
// A QR code drawn in the page as an inline SVG (qr-code-model.ts): dark modules on white whatever the theme, since
// scanners want dark on light, with the quiet zone around it.
import { useMemo } from "react";
import { qrSymbol } from "./qr-code-model";

export function QrCode({ text, label, size = 200 }: { text: string; label: string; size?: number }) {
  const q = useMemo(() => qrSymbol(text), [text]);
  const side = q.size + 2 * q.margin;
  return (
    <svg
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${side} ${side}`}
      shapeRendering="crispEdges"
      style={{ background: "#fff", display: "block", flex: "none" }}
      data-modules={q.size}
    >
      <rect width={side} height={side} fill="#fff" />
      <path d={q.path} fill="#000" />
    </svg>
  );
}
