import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { del, get, patch, post, qs } from "../../lib/api";
import type { Page, Part, Template } from "../../lib/types";

export interface TemplateInput {
  name: string;
  shortcut: string;
  scope?: "personal" | "shared";
  text?: string;
  parts?: Part[];
}

export function useTemplateList(q: string) {
  return useQuery({
    queryKey: ["templates", "list", q],
    queryFn: async () => (await get<Page<Template>>("/api/v1/templates" + qs({ q }))).items ?? [],
    placeholderData: (prev) => prev,
  });
}

export function useSaveTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: TemplateInput }) =>
      id ? patch<Template>(`/api/v1/templates/${encodeURIComponent(id)}`, input) : post<Template>("/api/v1/templates", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["templates"] }),
  });
}

export function useDeleteTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del(`/api/v1/templates/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["templates"] }),
  });
}
