// Envoy's envoy.filters.listener.tls_inspector: reads the TLS ClientHello without consuming it and returns
// the SNI server name, so a filter chain (and its certificate and HCM) can be chosen before the handshake.

export type ClientHelloPeek =
  /** not enough bytes yet */
  | { kind: "more" }
  /** not TLS (plaintext or garbage) */
  | { kind: "not_tls" }
  /** a ClientHello; `serverName` is "" without SNI */
  | { kind: "tls"; serverName: string };

/** Largest prefix we wait for: one TLS record (16 KiB) plus its header. */
export const MAX_CLIENT_HELLO_BYTES = 16384 + 5;

export function peekClientHello(buf: Buffer): ClientHelloPeek {
  if (buf.length < 1) return { kind: "more" };
  if (buf[0] !== 0x16) return { kind: "not_tls" }; // handshake record
  if (buf.length < 5) return { kind: "more" };
  if (buf[1] !== 0x03) return { kind: "not_tls" };
  const recordLen = buf.readUInt16BE(3);
  const end = 5 + recordLen;
  if (buf.length < end) return buf.length >= MAX_CLIENT_HELLO_BYTES ? { kind: "tls", serverName: "" } : { kind: "more" };
  // a ClientHello split over several records is rare; we read the first record only (no SNI found → "")
  return { kind: "tls", serverName: sniOf(buf.subarray(5, end)) };
}

function sniOf(hs: Buffer): string {
  try {
    if (hs[0] !== 0x01) return ""; // client_hello
    let p = 4; // type(1) + length(3)
    p += 2 + 32; // client_version + random
    p += 1 + hs[p]; // session_id
    p += 2 + hs.readUInt16BE(p); // cipher_suites
    p += 1 + hs[p]; // compression_methods
    if (p + 2 > hs.length) return "";
    const extEnd = Math.min(hs.length, p + 2 + hs.readUInt16BE(p));
    p += 2;
    while (p + 4 <= extEnd) {
      const type = hs.readUInt16BE(p);
      const len = hs.readUInt16BE(p + 2);
      p += 4;
      if (type === 0x0000) {
        // server_name: list length(2), then entries name_type(1) length(2) name
        let q = p + 2;
        const listEnd = Math.min(p + len, q + hs.readUInt16BE(p));
        while (q + 3 <= listEnd) {
          const nameType = hs[q];
          const nameLen = hs.readUInt16BE(q + 1);
          q += 3;
          if (nameType === 0 && q + nameLen <= listEnd) return hs.toString("latin1", q, q + nameLen).toLowerCase();
          q += nameLen;
        }
        return "";
      }
      p += len;
    }
  } catch {
    // truncated or malformed: no SNI
  }
  return "";
}
