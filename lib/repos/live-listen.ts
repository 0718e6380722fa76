// LISTEN signalbox_live on PostgreSQL (lib/repos/live-state-repo.ts sends the NOTIFY in the transaction that moves
// a live pointer): one dedicated connection per replica, outside Prisma's pool (a pooled connection would lose its
// LISTEN when handed back). It reconnects by itself after a database restart; what was published while it was
// away is found by the watcher's poll, since NOTIFY is not stored (PostgreSQL docs, NOTIFY), does not pass
// PgBouncer in transaction mode and is refused on a standby.
import pg from "pg";
import { LIVE_CHANNEL } from "./live-state-repo";

const RETRY_MS = 1_000;

export interface LiveListener {
  close(): Promise<void>;
}

/**
 * Calls `onNotify(environment, versionId)` for every NOTIFY, and `onReconnect()` each time the connection is back
 * after a loss (notifications sent meanwhile are gone: the caller checks the pointers).
 */
export function listenLive(url: string, onNotify: (environment: string, versionId: string) => void, onReconnect: () => void, log: (m: string) => void): LiveListener {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let lost = false;

  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, RETRY_MS);
    retry.unref();
  };

  const connect = async () => {
    const c = new pg.Client({ connectionString: url, keepAlive: true });
    client = c;
    c.on("notification", (n) => {
      if (n.channel !== LIVE_CHANNEL || !n.payload) return;
      const space = n.payload.indexOf(" ");
      if (space > 0) onNotify(n.payload.slice(0, space), n.payload.slice(space + 1));
    });
    const drop = (why: string) => {
      if (client !== c) return;
      client = null;
      c.removeAllListeners("notification");
      void c.end().catch(() => {});
      if (closed) return;
      if (!lost) log(`LISTEN ${LIVE_CHANNEL} lost (${why}); reconnecting every ${RETRY_MS / 1000} s, polling meanwhile`);
      lost = true;
      schedule();
    };
    c.on("error", (e) => drop(e.message));
    c.on("end", () => drop("connection closed"));
    try {
      await c.connect();
      await c.query(`LISTEN ${LIVE_CHANNEL}`);
      if (closed) return void c.end().catch(() => {});
      if (lost) {
        log(`LISTEN ${LIVE_CHANNEL} back`);
        lost = false;
        onReconnect();
      }
    } catch (e) {
      drop((e as Error).message.split("\n")[0]);
    }
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
