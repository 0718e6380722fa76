// The scene most e2e specs start from, set up once here: real upstreams answering fixed bodies, the real console
// with its bundled worker, a version published on top of the starter (the spec's clusters and routes) that the
// worker has applied and serves, optionally a draft left over it, and Chromium pages. A spec states its scene in
// a few lines and keeps every assertion of its own; a scene that cannot be set up fails the spec's beforeAll with
// "scene: <step>" and what the console says about its worker, never with an assertion of the spec. With
// `login: true` the pages are logged in once, through the session API, so a spec's tests start on a console page.
//
//   const scene = useScene({ upstreams: { a: "answer from A", b: "answer from B" }, live: withApiRoute("a"), serves: … });
//   it("…", async () => { const { app, page } = scene; … });
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { freePort, launchBrowser, loginWithSession, newPage, startConsole, startUpstream, throughProxy, waitFor, type Console, type Upstream } from "./fixtures";

/** An Envoy v3 document as GET/PUT /api/config carry it, edited in place by the specs. */
export interface Doc {
  static_resources: { listeners: Listener[]; clusters: unknown[] };
}
interface Listener {
  filter_chains: { filters: { typed_config: { route_config: { virtual_hosts: { routes: Route[] }[] } } }[] }[];
}
export interface Route {
  name?: string;
  match: { prefix?: string };
  route?: { cluster?: string; timeout?: string };
}

/** What the scene's `live` and `draft` builders get: where everything listens. */
export interface SceneParts {
  up: Record<string, Upstream>;
  /** the starter listener, `127.0.0.1:<port>` */
  listener: string;
  /** with `edge: true`: a free port for a listener of the spec's own */
  edgePort: number;
}

export interface SceneSpec {
  /** upstream name → the body it answers with 200 (or `{ body, status }`) */
  upstreams: Record<string, string | { body: string; status: number }>;
  /** reserve a port for a listener of the spec's own (`parts.edgePort`, `scene.edge`) */
  edge?: boolean;
  /** the version published on top of the starter: edit the starter's document (a copy), or return another to PUT */
  live?: (doc: Doc, parts: SceneParts) => object | void;
  /** the live version's publish message */
  message?: string;
  /** what must come through the worker before the spec starts, once the version is applied */
  serves?: { path: string; body: string; via?: "listener" | "edge" };
  /** the draft left on top of what is live: edit a copy of the live document, or return another to PUT */
  draft?: (doc: Doc, parts: SceneParts) => object | void;
  /** browser pages, each in a browser context of its own (default 1; 0: no browser) */
  pages?: number;
  /** log every page's context in once, through the session API (fixtures.ts loginWithSession), not the form */
  login?: boolean;
}

export interface Scene extends SceneParts {
  app: Console;
  /** `127.0.0.1:<edgePort>` with `edge: true` */
  edge: string;
  /** the version `live` published */
  published: { id: string; number: number } | null;
  browser: Browser;
  /** the first page */
  page: Page;
  pages: Page[];
}

/** The routes of the starter's catch-all virtual host (listener main, first chain): where specs put theirs. */
export function starterRoutes(doc: Doc): Route[] {
  return doc.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes;
}

/** A STATIC cluster of one endpoint on 127.0.0.1. */
export function staticCluster(name: string, port: number) {
  return {
    name,
    type: "STATIC",
    connect_timeout: "1s",
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: port } } } }] }] },
  };
}

/**
 * A `live` builder: one cluster per upstream (named like it) and the route `api` (prefix /api) to `cluster`,
 * ahead of the starter's catch-all; `route` adds to its route action (a timeout…).
 */
export function withApiRoute(cluster: string, route: Omit<NonNullable<Route["route"]>, "cluster"> = {}) {
  return (doc: Doc, parts: SceneParts): void => {
    for (const [name, u] of Object.entries(parts.up)) doc.static_resources.clusters.push(staticCluster(name, u.port));
    starterRoutes(doc).unshift({ name: "api", match: { prefix: "/api" }, route: { cluster, ...route } });
  };
}

/** A `draft` builder: the route `api` goes to `cluster` instead. */
export function pointApiAt(cluster: string) {
  return (doc: Doc): void => {
    const api = starterRoutes(doc).find((r) => r.name === "api");
    if (!api?.route) throw new Error("the live version has no route api to point elsewhere (use withApiRoute)");
    api.route = { cluster };
  };
}

/** Sets the scene up in a beforeAll and takes it down in an afterAll; read its parts inside the tests. */
export function useScene(spec: SceneSpec): Scene {
  const scene = {} as Scene;
  let upstreams: Upstream[] = [];
  let browser: Browser | null = null;
  let app: Console | null = null;

  beforeAll(async () => {
    const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (e) {
        const message = (e as Error).message;
        // app.until() has said what the console knows already
        const why = app && !message.includes("\nGET /api/worker: ") ? `\n${await app.diagnosis()}` : "";
        throw new Error(`scene: ${what}: ${message}${why}`, { cause: e });
      }
    };
    const names = Object.keys(spec.upstreams);
    upstreams = await step("upstreams", () =>
      Promise.all(
        names.map((n) => {
          const u = spec.upstreams[n];
          return typeof u === "string" ? startUpstream(u) : startUpstream(u.body, u.status);
        }),
      ),
    );
    scene.up = Object.fromEntries(names.map((n, i) => [n, upstreams[i]]));
    scene.app = app = await step("the console", () => startConsole());
    scene.listener = app.listener;
    scene.edgePort = spec.edge ? await freePort() : 0;
    scene.edge = spec.edge ? `127.0.0.1:${scene.edgePort}` : "";
    scene.published = null;
    const parts: SceneParts = { up: scene.up, listener: scene.listener, edgePort: scene.edgePort };
    const c = app;

    if (spec.live) {
      const live = spec.live;
      scene.published = await step("publishing the live version", async () => {
        const doc = await c.api<Doc>("/api/config");
        await c.send("PUT", "/api/config", live(doc, parts) ?? doc);
        return c.send<{ id: string; number: number }>("POST", "/api/versions", { message: spec.message ?? "e2e scene" });
      });
      const id = scene.published.id;
      await step(`the worker to apply v${scene.published.number}`, () =>
        c.until(`node local to apply v${scene.published!.number}`, async () => (await c.api<{ id: string; appliedVersion: string | null }[]>("/api/nodes")).some((n) => n.id === "local" && n.appliedVersion === id), 30_000, 100),
      );
    }
    if (spec.serves) {
      const { path, body, via } = spec.serves;
      const at = via === "edge" ? scene.edge : scene.listener;
      await step("serving", () => waitFor(`${at}${path} to answer "${body}"`, async () => (await throughProxy(at, path).catch(() => null))?.body === body));
    }
    if (spec.draft) {
      const draft = spec.draft;
      await step("the draft", async () => {
        const doc = await c.api<Doc>("/api/config");
        await c.send("PUT", "/api/config", draft(doc, parts) ?? doc);
      });
    }
    const n = spec.pages ?? 1;
    if (n > 0) {
      scene.browser = browser = await step("Chromium", () => launchBrowser());
      const b = browser;
      scene.pages = await step("the pages", async () => {
        const pages: Page[] = [];
        for (let i = 0; i < n; i++) pages.push(await newPage(b));
        if (spec.login) for (const p of pages) await loginWithSession(p, c);
        return pages;
      });
      scene.page = scene.pages[0];
    }
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await app?.stop();
    await Promise.all(upstreams.map((u) => u.close()));
  });

  return scene;
}
