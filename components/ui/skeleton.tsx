/** Placeholder rows shown while data loads: never a blank page. */
export function Skeleton({ width = "100%", height = 14 }: { width?: number | string; height?: number }) {
  return <div className="skeleton" style={{ width, height }} aria-hidden="true" />;
}

export function TableSkeleton({ rows = 4, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div className="table-wrap" role="status" aria-label={label} aria-busy="true">
      <div style={{ padding: 14, display: "flex", flexDirection: "column", gap: 12 }}>
        <Skeleton width="40%" />
        {Array.from({ length: rows }, (_, i) => (
          <Skeleton key={i} width={`${90 - i * 8}%`} />
        ))}
      </div>
    </div>
  );
}
