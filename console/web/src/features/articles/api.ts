// Server state of the help centre screens: articles and their categories
// (issue 15: /api/v1/articles, /api/v1/article-categories).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, del, get, patch, post, qs } from "../../lib/api";
import type { Page } from "../../lib/types";


export type ArticleStatus = "draft" | "published";
export const LOCALES = ["ja", "en"] as const;

export interface Article {
  id: string;
  workspace_id?: string;
  category_id?: string | null;
  locale: string;
  title: string;
  slug: string;
  body: string;
  status: ArticleStatus;
  translation_of?: string | null;
  views: number;
  helpful: number;
  not_helpful: number;
  created_at: string;
  updated_at: string;
  published_at?: string | null;
}

export interface ArticleInput {
  title: string;
  category_id: string;
  locale: string;
  status: ArticleStatus;
  translation_of: string;
  body: string;
}

export interface Category {
  id: string;
  name: string;
  position: number;
}

export interface ArticleFilter {
  locale?: string;
  status?: string;
  q?: string;
}

/** matching keeps the articles whose title, slug or body contains q. The
 * hub's list filters by status, locale and category; the text filter runs
 * here, over drafts too (the hub's search covers published articles). */
function matching(items: Article[], q?: string): Article[] {
  const needle = q?.trim().toLowerCase();
  if (!needle) return items;
  return items.filter((a) => [a.title, a.slug, a.body].some((v) => v?.toLowerCase().includes(needle)));
}

export function useArticles(f: ArticleFilter) {
  return useQuery({
    queryKey: ["articles", "list", f],
    queryFn: async () => matching((await get<Page<Article>>("/api/v1/articles" + qs({ ...f }))).items, f.q),
    placeholderData: (prev) => prev,
  });
}

export function useSaveArticle() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: ArticleInput }) =>
      id ? patch<Article>(`/api/v1/articles/${encodeURIComponent(id)}`, input) : post<Article>("/api/v1/articles", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["articles"] }),
  });
}

export function useDeleteArticle() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del(`/api/v1/articles/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["articles"] }),
  });
}

export function useCategories() {
  return useQuery({
    queryKey: ["article-categories"],
    queryFn: async () => [...(await get<Page<Category>>("/api/v1/article-categories")).items].sort((a, b) => a.position - b.position),
  });
}

export function useSaveCategory() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: Partial<Omit<Category, "id">> }) =>
      id ? patch<Category>(`/api/v1/article-categories/${encodeURIComponent(id)}`, input) : post<Category>("/api/v1/article-categories", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["article-categories"] }),
  });
}

export function useDeleteCategory() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del(`/api/v1/article-categories/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["article-categories"] }),
  });
}

/** previewHtml asks the hub to render (and sanitise) markdown. */
export async function previewHtml(body: string, signal?: AbortSignal): Promise<string> {
  return (await api<{ html: string }>("POST", "/api/v1/articles/preview", { body }, { signal })).html ?? "";
}
