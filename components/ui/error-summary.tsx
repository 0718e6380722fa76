import type { FieldError } from "@/components/queries/api-client";

/** Errors that belong to no single field (cross-references, whole-resource rules). */
export function ErrorSummary({ errors, title = "Fix these problems" }: { errors: FieldError[]; title?: string }) {
  if (!errors.length) return null;
  return (
    <div className="alert" role="alert">
      <div>
        <strong>{title}</strong>
        <ul style={{ margin: "4px 0 0", paddingLeft: 18 }}>
          {errors.map((e, i) => (
            <li key={i}>
              {e.path && <code>{e.path}</code>} {e.message}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
