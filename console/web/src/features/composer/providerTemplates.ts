// Provider templates (WhatsApp's approved message templates) of a channel:
// GET /api/v1/channels/{id}/templates, and how a chosen one becomes the
// template part the hub sends.
import { useQuery } from "@tanstack/react-query";
import { get } from "../../lib/api";
import type { Part, ProviderTemplate } from "../../lib/types";

export interface TemplateList {
  items: ProviderTemplate[];
  synced_at?: string;
}

export const providerTemplatesKey = (channel: string) => ["provider-templates", channel] as const;

export function useProviderTemplates(channel: string, enabled = true) {
  return useQuery({
    queryKey: providerTemplatesKey(channel),
    enabled,
    staleTime: 60_000,
    queryFn: async ({ signal }) => {
      const r = await get<TemplateList>(`/api/v1/channels/${encodeURIComponent(channel)}/templates`, { signal });
      return { items: r.items ?? [], synced_at: r.synced_at };
    },
  });
}

/** approved keeps the sendable templates matching q (name or language),
 * by name then language. */
export function approved(all: ProviderTemplate[], q: string): ProviderTemplate[] {
  const s = q.trim().toLowerCase();
  return all
    .filter((t) => t.status?.toUpperCase() === "APPROVED")
    .filter((t) => !s || t.name.toLowerCase().includes(s) || t.language.toLowerCase().includes(s))
    .sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
}

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

/** paramsOf lists the body's parameters in order: the template's Params
 * when the provider gave them, else the {{n}} / {{name}} placeholders. */
export function paramsOf(t: ProviderTemplate): string[] {
  if (t.params && t.params.length) return t.params;
  const out: string[] = [];
  for (const m of t.body.matchAll(PLACEHOLDER)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

/** fill replaces each {{name}} with its value, or leaves the placeholder. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (all, name: string) => (values[name]?.trim() ? values[name] : all));
}

/** templatePart is the part that sends t with the given parameters. */
export function templatePart(t: ProviderTemplate, values: Record<string, string>): Part {
  const variables: Record<string, string> = {};
  for (const p of paramsOf(t)) variables[p] = values[p] ?? "";
  return { kind: "template", template: { name: t.name, language: t.language, ...(Object.keys(variables).length ? { variables } : {}) } };
}
