"use client";
import { useSearchParams } from "next/navigation";
import { useCallback, useState } from "react";
import { writeParams } from "./url-state";

/**
 * A DataTable filter kept in the URL's `param` (`?q=`), so a filtered view is a link other pages can point at. The
 * other query parameters of the page are kept.
 */
export function useUrlFilter(param = "q"): { value: string; onChange: (q: string) => void } {
  const params = useSearchParams();
  const [value, setValue] = useState(() => params.get(param) ?? "");
  const onChange = useCallback(
    (q: string) => {
      setValue(q);
      writeParams({ ...Object.fromEntries(new URLSearchParams(window.location.search)), [param]: q });
    },
    [param],
  );
  return { value, onChange };
}
