/** A unified text diff, coloured line by line. */
export function DiffView({ text, label = "Diff" }: { text: string; label?: string }) {
  // drop the "Index:"/"====" banner of createTwoFilesPatch: the ---/+++ lines already name both sides
  const lines = text.replace(/\n$/, "").split("\n").filter((l) => !/^(=+|Index: .*)$/.test(l));
  if (!text.trim()) return <p className="muted">No differences.</p>;
  return (
    <pre className="diff" aria-label={label}>
      {lines.map((line, i) => {
        const cls = line.startsWith("+++") || line.startsWith("---") || line.startsWith("Index:") || line.startsWith("====")
          ? "meta"
          : line.startsWith("@@")
            ? "hunk"
            : line.startsWith("+")
              ? "add"
              : line.startsWith("-")
                ? "del"
                : "";
        return (
          <div key={i} className={cls}>
            {line || " "}
          </div>
        );
      })}
    </pre>
  );
}
