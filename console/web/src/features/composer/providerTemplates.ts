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

/** HEADER prefixes the variables of a template's text header ("header.1"). */
export const HEADER = "header.";

function placeholders(text: string | undefined): string[] {
  const out: string[] = [];
  for (const m of (text ?? "").matchAll(PLACEHOLDER)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

/** paramsOf lists the parameters to fill in order: the text header's
 * (as "header.<name>"), then the body's — the template's lists when the
 * provider gave them, else the {{n}} / {{name}} placeholders. */
export function paramsOf(t: ProviderTemplate): string[] {
  const header = t.header_params?.length ? t.header_params : t.header?.startsWith("[") ? [] : placeholders(t.header);
  const body = t.params?.length ? t.params : placeholders(t.body);
  return [...header.map((p) => HEADER + p), ...body];
}

/** fill replaces each {{name}} with its value, or leaves the placeholder;
 * prefix picks the header's values ("header.") or the body's (""). */
export function fill(text: string, values: Record<string, string>, prefix = ""): string {
  return text.replace(PLACEHOLDER, (all, name: string) => (values[prefix + name]?.trim() ? values[prefix + name] : all));
}

/** templatePart is the part that sends t with the given parameters. */
export function templatePart(t: ProviderTemplate, values: Record<string, string>): Part {
  const variables: Record<string, string> = {};
  for (const p of paramsOf(t)) variables[p] = values[p] ?? "";
  return { kind: "template", template: { name: t.name, language: t.language, ...(Object.keys(variables).length ? { variables } : {}) } };
}
