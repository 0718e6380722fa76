// The admin's runtime endpoints (docs/root/operations/admin.rst; source/server/admin/runtime_handler.cc):
// GET /runtime lists the layers and, per key, its value in each layer ("" where a layer has none) and the final
// value; POST /runtime_modify?key=value&… sets keys in the admin layer (an empty value removes the override), from
// the query or, without one, from an application/x-www-form-urlencoded body.
import type http from "node:http";
import type { ProxyView } from "../server";

const TEXT = { "content-type": "text/plain; charset=UTF-8" };

const USAGE = "usage: /runtime_modify?key1=value1&key2=value2&keyN=valueN\n       or send the parameters as form values\nuse an empty value to remove a previously added override";

/** A body larger than this is not a form of runtime keys. */
const MAX_FORM_BYTES = 64 * 1024;

export function handleRuntime(proxy: ProxyView, res: http.ServerResponse) {
  // protobuf's JSON printer writes a Struct's keys sorted, hence `entries` before `layers`
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(proxy.runtime.adminView(), null, 2));
}

export function handleRuntimeModify(proxy: ProxyView, req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams) {
  const apply = (params: [string, string][]) => {
    if (params.length === 0) return void res.writeHead(400, TEXT).end(USAGE);
    const err = proxy.modifyRuntime(params);
    if (err !== null) return void res.writeHead(503, TEXT).end(err);
    res.writeHead(200, TEXT).end("OK\n");
  };
  if ([...query.keys()].length > 0) return apply([...query]);
  const form = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase() === "application/x-www-form-urlencoded";
  if (!form) {
    req.resume();
    return apply([]);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (c: Buffer) => {
    size += c.length;
    if (size <= MAX_FORM_BYTES) chunks.push(c);
  });
  req.on("end", () => apply(size <= MAX_FORM_BYTES ? [...new URLSearchParams(Buffer.concat(chunks).toString())] : []));
}
