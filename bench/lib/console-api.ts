// The few console API calls the publish benchmark makes, with the draft's ETag carried from write to write as
// the UI does (If-Match on every draft write and on the publish). Responses are parsed with the console's own
// zod contract (lib/contract), so a changed API breaks the benchmark loudly instead of skewing it.
import { DraftRouteItem, DraftRouteList, NodeList, VersionSummary, type NodeView } from "../../lib/contract";

export class ConsoleApi {
  /** the draft's ETag from the last read or write, `"r<revision>"` */
  etag: string | null = null;

  constructor(readonly base: string, private readonly token: string) {}

  async #call(method: string, path: string, body?: unknown, ifMatch = false): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (ifMatch && this.etag) headers["if-match"] = this.etag;
    const res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 500)}`);
    const etag = res.headers.get("etag");
    if (etag) this.etag = etag;
    return res;
  }

  /** PUT /api/config: the whole draft as an Envoy bootstrap (`{static_resources}`). */
  async putConfig(doc: unknown): Promise<void> {
    await (await this.#call("PUT", "/api/config", doc, true)).arrayBuffer();
  }

  async routes(): Promise<DraftRouteItem[]> {
    return DraftRouteList.parse(await (await this.#call("GET", "/api/draft/routes")).json());
  }

  /** PUT /api/draft/routes/{id}: one route's edit. */
  async putRoute(id: string, route: unknown): Promise<DraftRouteItem> {
    return DraftRouteItem.parse(await (await this.#call("PUT", `/api/draft/routes/${encodeURIComponent(id)}`, { route }, true)).json());
  }

  /** POST /api/versions: publishes the draft revision last seen. */
  async publish(message: string): Promise<VersionSummary> {
    return VersionSummary.parse(await (await this.#call("POST", "/api/versions", { message }, true)).json());
  }

  async nodes(): Promise<NodeView[]> {
    return NodeList.parse(await (await this.#call("GET", "/api/nodes")).json());
  }
}
