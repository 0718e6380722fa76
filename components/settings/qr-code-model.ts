// An otpauth:// URI as a QR code, drawn by the browser: `qrcode` (soldair/node-qrcode) encodes the text into its
// modules and this turns the dark ones into one SVG path, so the secret never leaves the page (no image service, no
// data URL from a server) and no markup is injected (React renders the path as an attribute).
import { create } from "qrcode";

export interface QrSymbol {
  /** modules per side, without the quiet zone */
  size: number;
  /** the quiet zone around the symbol, in modules (ISO/IEC 18004 asks for 4) */
  margin: number;
  /** the dark modules as one path in module units, offset by the margin */
  path: string;
}

export const QUIET_ZONE = 4;

/** The QR symbol of `text` at error correction level M (what authenticator apps scan reliably at screen size). */
export function qrSymbol(text: string): QrSymbol {
  const { modules } = create(text, { errorCorrectionLevel: "M" });
  const parts: string[] = [];
  for (let row = 0; row < modules.size; row++) {
    // one rectangle per run of dark modules in a row: a few hundred path commands instead of a thousand
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col++;
      parts.push(`M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h${start - col}z`);
    }
  }
  return { size: modules.size, margin: QUIET_ZONE, path: parts.join("") };
}
