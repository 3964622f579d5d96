// Help-centre articles in the composer's "/" list (issue 15): published
// articles matching what follows the slash; choosing one puts a markdown
// link to its public page into the draft.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { get } from "../../lib/api";
import type { Page } from "../../lib/types";
import type { Article } from "../articles/api";

/** useArticleHits: published articles for q (null: the list is closed), asked 200 ms after the last keystroke. */
export function useArticleHits(q: string | null) {
  const [asked, setAsked] = useState(q);
  useEffect(() => {
    if (q === null) return setAsked(null);
    const t = setTimeout(() => setAsked(q.trim()), 200);
    return () => clearTimeout(t);
  }, [q]);
  return useQuery({
    queryKey: ["composer-articles", asked],
    enabled: asked !== null,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
    queryFn: async ({ signal }) => {
      const p = new URLSearchParams({ status: "published" });
      if (asked) p.set("q", asked);
      return ((await get<Page<Article>>("/api/v1/articles?" + p, { signal })).items ?? []).slice(0, 8);
    },
  });
}

/** articleURL is the article's page on the public help centre. */
export function articleURL(a: Article): string {
  return `${location.origin}/help/${encodeURIComponent(a.workspace_id ?? "")}/articles/${encodeURIComponent(a.slug)}`;
}

/** articleLink is the markdown link to a that goes into a reply. */
export function articleLink(a: Article): string {
  return `[${a.title.replace(/[[\]\\]/g, "\\$&")}](${articleURL(a)})`;
}
