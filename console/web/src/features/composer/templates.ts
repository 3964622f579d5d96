import { useQuery } from "@tanstack/react-query";
import { ApiError, get } from "../../lib/api";
import type { Page, Template } from "../../lib/types";

/** useTemplates: the operator's personal and the shared templates. */
export function useTemplates(enabled: boolean) {
  return useQuery({
    queryKey: ["templates"],
    enabled,
    staleTime: 60_000,
    queryFn: async () => {
      try {
        return (await get<Page<Template>>("/api/v1/templates")).items ?? [];
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return [] as Template[];
        throw e;
      }
    },
  });
}

export function filterTemplates(all: Template[], q: string): Template[] {
  const s = q.toLowerCase();
  const hits = all.filter((t) => !s || t.shortcut.toLowerCase().includes(s) || t.name.toLowerCase().includes(s) || (t.text ?? "").toLowerCase().includes(s));
  // Shortcut prefix matches first.
  return hits.sort((a, b) => Number(!a.shortcut.toLowerCase().startsWith(s)) - Number(!b.shortcut.toLowerCase().startsWith(s))).slice(0, 20);
}
