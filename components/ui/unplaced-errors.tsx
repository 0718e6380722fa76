"use client";
// A form's own validation errors that no field claimed (a path the form has no input for): listed under the
// fields as plain text, not in the server-refusal banner, which is for what the server refused.
import type { FieldError } from "@/components/queries/api-client";

export function UnplacedErrors({ errors }: { errors: FieldError[] }) {
  if (errors.length === 0) return null;
  return (
    <ul className="field-error" style={{ margin: 0, paddingLeft: 18 }}>
      {errors.map((e, i) => (
        <li key={i}>
          {e.path && <code>{e.path}</code>} {e.message}
        </li>
      ))}
    </ul>
  );
}
