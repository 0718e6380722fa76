import type { LivePoint } from "@/components/queries/types";
import { fmtNumber } from "@/components/ui/format";

export function summarize(points: LivePoint[]) {
  const last = points.slice(-5);
  const rpsNow = last.length ? last.reduce((a, p) => a + p.rps, 0) / last.length : 0;
  const total = points.reduce((a, p) => a + p.rps, 0);
  const errors = points.reduce((a, p) => a + p.rq5xx, 0);
  const client = points.reduce((a, p) => a + p.rq4xx, 0);
  return { rpsNow, total, errorRatio: total > 0 ? errors / total : 0, clientRatio: total > 0 ? client / total : 0 };
}

export function KpiTiles({ points, liveLabel, nodesLabel }: { points: LivePoint[]; liveLabel: string; nodesLabel: string }) {
  const s = summarize(points);
  const tiles = [
    { label: "Requests/s (5 s avg)", value: fmtNumber(s.rpsNow) },
    { label: "Requests, last minute", value: Math.round(s.total).toLocaleString() },
    { label: "5xx ratio", value: `${fmtNumber(s.errorRatio * 100, 2)}%` },
    { label: "4xx ratio", value: `${fmtNumber(s.clientRatio * 100, 2)}%` },
    { label: "Live version", value: liveLabel },
    { label: "Nodes running it", value: nodesLabel },
  ];
  return (
    <div className="kpis">
      {tiles.map((t) => (
        <div key={t.label} className="kpi">
          <div className="kpi-label">{t.label}</div>
          <div className="kpi-value" aria-label={t.label}>
            {t.value}
          </div>
        </div>
      ))}
    </div>
  );
}
