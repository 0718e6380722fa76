// The QR symbol drawn for the TOTP enrolment: the encoder's modules become the path exactly (finder patterns in
// three corners, light separators, the size of the version the text needs), and the text decides the symbol.
import { describe, expect, it } from "vitest";
import { QUIET_ZONE, qrSymbol } from "./qr-code-model";

/** The dark modules of a path back as "row,col" cells. */
function cells(path: string): Set<string> {
  const out = new Set<string>();
  for (const m of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let i = 0; i < w; i++) out.add(`${y - QUIET_ZONE},${x - QUIET_ZONE + i}`);
  }
  return out;
}

const URI = "otpauth://totp/Signalbox:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Signalbox&digits=6&period=30";

describe("qrSymbol", () => {
  it("draws a symbol of a QR version's size with the three finder patterns", () => {
    const q = qrSymbol(URI);
    expect((q.size - 17) % 4).toBe(0);
    expect(q.size).toBeGreaterThanOrEqual(33);
    const dark = cells(q.path);
    // the finder pattern: a 7×7 dark ring, a light ring, a 3×3 dark centre, at top-left, top-right and bottom-left
    const finder = (r0: number, c0: number) => {
      for (let r = 0; r < 7; r++)
        for (let c = 0; c < 7; c++) {
          const ring = r === 0 || r === 6 || c === 0 || c === 6;
          const centre = r >= 2 && r <= 4 && c >= 2 && c <= 4;
          expect(dark.has(`${r0 + r},${c0 + c}`), `module ${r0 + r},${c0 + c}`).toBe(ring || centre);
        }
    };
    finder(0, 0);
    finder(0, q.size - 7);
    finder(q.size - 7, 0);
    // nothing is drawn in the quiet zone
    for (const c of dark) for (const n of c.split(",").map(Number)) expect(n >= 0 && n < q.size).toBe(true);
  });

  it("differs for another secret", () => {
    expect(qrSymbol(URI).path).not.toBe(qrSymbol(URI.replace("JBSWY3DP", "KRSXG5CT")).path);
  });
});
