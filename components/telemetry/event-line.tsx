import Link from "next/link";
import type { EventRow } from "@/lib/contract/events";
import { clock } from "@/components/charts/time-scale";
import { describeEvent } from "./event-lines";

/** One event as a line of the feed: time, node, and the sentence, with cluster names linking to the cluster. */
export function EventLine({ e, showNode = true }: { e: EventRow; showNode?: boolean }) {
  const line = describeEvent(e);
  return (
    <li className="event" data-testid="event-line" data-kind={e.kind}>
      <span className={`dot ${line.tone}`} aria-hidden="true" />
      <time className="mono small muted" dateTime={new Date(e.ts).toISOString()} title={new Date(e.ts).toLocaleString()}>
        {clock(e.ts)}
      </time>
      {showNode && <span className="small muted event-node">{e.node}</span>}
      <span className="event-text">
        {line.parts.map((p, i) =>
          typeof p === "string" ? (
            <span key={i}>{p}</span>
          ) : p.code === e.cluster ? (
            <Link key={i} href={`/clusters/${encodeURIComponent(p.code)}?tab=breakers`}>
              <code>{p.code}</code>
            </Link>
          ) : (
            <code key={i}>{p.code}</code>
          ),
        )}
      </span>
    </li>
  );
}
