// A strict HTTP/1.1 message parser for tests that look at bytes on the wire: what a proxy sends its upstream
// (requests) and what a client gets back (responses). Strict on purpose (RFC 9112): CRLF line endings only, token
// field names, no obs-fold, no control characters in values, one framing (Content-Length or chunked, never both,
// never two different lengths). Whatever a conforming sender writes parses; anything an intermediary might read
// differently is an error, so a test that parses upstream bytes with it notices a smuggled or ill-framed request.

export interface WireHead {
  /** request: the method; response: "" */
  method: string;
  /** request: the request-target as sent; response: "" */
  target: string;
  version: string;
  /** response: the status code; request: 0 */
  status: number;
  /** field lines in order, names lower-cased, values with OWS trimmed */
  headers: [string, string][];
}

export interface WireMessage extends WireHead {
  /** the body after de-chunking (latin1-safe Buffer) */
  body: Buffer;
  /** how the body was framed */
  framing: "none" | "length" | "chunked";
  /** trailer fields of a chunked body */
  trailers: [string, string][];
  /** the message's bytes as they came */
  raw: Buffer;
}

export interface WireParse {
  messages: WireMessage[];
  /** bytes after the last complete message (an incomplete one, or nothing) */
  rest: Buffer;
  /** the head of the incomplete message in `rest`, when its head is complete */
  partial: WireHead | null;
  /** why parsing stopped early: the bytes at `rest` are not a valid message */
  error: string | null;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// field-value: VCHAR, obs-text, SP and HTAB (RFC 9110 §5.5); anything else (NUL, CR, LF, DEL …) is refused
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const TARGET = /^[\x21-\x7e]+$/;
const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");

export function headerValues(h: { headers: [string, string][] }, name: string): string[] {
  return h.headers.filter(([n]) => n === name).map(([, v]) => v);
}

export function header(h: { headers: [string, string][] }, name: string): string | undefined {
  return headerValues(h, name)[0];
}

class WireError extends Error {}

function parseFields(lines: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new WireError(`field line without a name: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw new WireError(`invalid field name ${JSON.stringify(name)}`);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!FIELD_VALUE.test(value)) throw new WireError(`control character in ${name}: ${JSON.stringify(value)}`);
    out.push([name.toLowerCase(), value]);
  }
  return out;
}

function parseHead(text: string, kind: "request" | "response"): WireHead {
  const lines = text.split("\r\n");
  for (const l of lines) if (l.includes("\n") || l.includes("\r")) throw new WireError(`bare CR or LF in the head: ${JSON.stringify(l)}`);
  const first = lines.shift()!;
  for (const l of lines) if (l.startsWith(" ") || l.startsWith("\t")) throw new WireError(`obs-fold: ${JSON.stringify(l)}`);
  const headers = parseFields(lines);
  if (kind === "request") {
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) (HTTP\/1\.[01])$/.exec(first);
    if (!m || !TARGET.test(m[2])) throw new WireError(`invalid request line ${JSON.stringify(first)}`);
    return { method: m[1], target: m[2], version: m[3], status: 0, headers };
  }
  const m = /^(HTTP\/1\.[01]) (\d{3}) [\t\x20-\x7e\x80-\xff]*$/.exec(first);
  if (!m) throw new WireError(`invalid status line ${JSON.stringify(first)}`);
  return { method: "", target: "", version: m[1], status: Number(m[2]), headers };
}

/** The body length a message's head announces: a number, "chunked", or "none"; throws on ambiguous framing. */
function framingOf(head: WireHead, kind: "request" | "response", noBody: boolean): number | "chunked" | "none" | "close" {
  const te = headerValues(head, "transfer-encoding");
  const cl = headerValues(head, "content-length");
  if (te.length > 0 && cl.length > 0) throw new WireError("both Transfer-Encoding and Content-Length");
  if (noBody) return "none";
  if (te.length > 0) {
    const codings = te.join(",").split(",").map((c) => c.trim().toLowerCase());
    if (codings.length !== 1 || codings[0] !== "chunked") throw new WireError(`transfer-encoding other than chunked: ${te.join(", ")}`);
    return "chunked";
  }
  if (cl.length > 0) {
    if (cl.length > 1 || !/^\d{1,15}$/.test(cl[0])) throw new WireError(`invalid Content-Length ${cl.join(", ")}`);
    return Number(cl[0]);
  }
  return kind === "request" ? "none" : "close";
}

/** A chunked body at `at`: its end offset, data and trailers, or null when more bytes are needed. */
function parseChunked(buf: Buffer, at: number): { end: number; body: Buffer; trailers: [string, string][] } | null {
  const parts: Buffer[] = [];
  let p = at;
  for (;;) {
    const eol = buf.indexOf(CRLF, p);
    if (eol < 0) {
      if (buf.length - p > 64) throw new WireError("chunk-size line too long");
      return null;
    }
    const line = buf.toString("latin1", p, eol);
    const m = /^([0-9a-fA-F]{1,12})(;[\t\x20-\x7e]*)?$/.exec(line);
    if (!m) throw new WireError(`invalid chunk-size line ${JSON.stringify(line)}`);
    const size = parseInt(m[1], 16);
    p = eol + 2;
    if (size === 0) break;
    if (buf.length < p + size + 2) return null;
    parts.push(buf.subarray(p, p + size));
    if (buf[p + size] !== 0x0d || buf[p + size + 1] !== 0x0a) throw new WireError("chunk data not followed by CRLF");
    p += size + 2;
  }
  // trailer section: field lines, then an empty line
  const lines: string[] = [];
  for (;;) {
    const eol = buf.indexOf(CRLF, p);
    if (eol < 0) return null;
    const line = buf.toString("latin1", p, eol);
    p = eol + 2;
    if (line === "") break;
    lines.push(line);
  }
  return { end: p, body: Buffer.concat(parts), trailers: parseFields(lines) };
}

/**
 * Parses as many complete messages from `buf` as it holds. `kind` says which side's messages these are;
 * `noBodyFor(i)` tells the response parser that the i-th response has no body (an answer to HEAD); `closed`
 * says the peer closed, which ends a response framed by the connection's close.
 */
export function parseWire(buf: Buffer, kind: "request" | "response", opts: { noBodyFor?: (i: number) => boolean; closed?: boolean } = {}): WireParse {
  const messages: WireMessage[] = [];
  let at = 0;
  let partial: WireHead | null = null;
  try {
    while (at < buf.length) {
      partial = null;
      const end = buf.indexOf(HEAD_END, at);
      if (end < 0) {
        if (buf.length - at > 256 * 1024) throw new WireError("head too long");
        break;
      }
      const head = parseHead(buf.toString("latin1", at, end), kind);
      const status = head.status;
      const noBody = kind === "response" && (opts.noBodyFor?.(messages.length) === true || status === 204 || status === 304 || status < 200);
      const framing = framingOf(head, kind, noBody);
      const bodyAt = end + 4;
      partial = head;
      let msg: WireMessage | null = null;
      if (framing === "none") msg = { ...head, body: Buffer.alloc(0), framing: "none", trailers: [], raw: buf.subarray(at, bodyAt) };
      else if (framing === "close") {
        if (!opts.closed) break;
        msg = { ...head, body: buf.subarray(bodyAt), framing: "none", trailers: [], raw: buf.subarray(at) };
      } else if (framing === "chunked") {
        const c = parseChunked(buf, bodyAt);
        if (c === null) break;
        msg = { ...head, body: c.body, framing: "chunked", trailers: c.trailers, raw: buf.subarray(at, c.end) };
      } else {
        if (buf.length < bodyAt + framing) break;
        msg = { ...head, body: buf.subarray(bodyAt, bodyAt + framing), framing: "length", trailers: [], raw: buf.subarray(at, bodyAt + framing) };
      }
      messages.push(msg);
      at += msg.raw.length;
      partial = null;
    }
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    return { messages, rest: buf.subarray(at), partial, error: e.message };
  }
  return { messages, rest: buf.subarray(at), partial, error: null };
}
