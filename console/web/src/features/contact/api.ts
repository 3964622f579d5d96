// Server state of the customer side panel: a contact with its
// conversations, changes to it (profile, attributes, labels), merging,
// erasure, and the contact search of the merge picker.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { del, get, patch, post, qs } from "../../lib/api";
import type { Contact, ContactDetail, Page } from "../../lib/types";
import { keys, patchContact } from "../../app/streamCache";

const contactPath = (id: string) => `/api/v1/contacts/${encodeURIComponent(id)}`;

export const exportURL = (id: string) => contactPath(id) + "/export";

export function useContact(id: string | undefined) {
  return useQuery({
    queryKey: keys.contact(id ?? ""),
    queryFn: ({ signal }) => get<ContactDetail>(contactPath(id!), { signal }),
    enabled: !!id,
  });
}

export interface ContactChange {
  name?: string;
  email?: string;
  phone?: string;
  attributes?: Record<string, string>;
  labels?: string[];
}

/** onContact puts an answer holding the whole contact into every cache. */
function useOnContact() {
  const qc = useQueryClient();
  return (c: ContactDetail) => {
    qc.setQueryData(keys.contact(c.id), c);
    patchContact(qc, c);
  };
}

export function usePatchContact(id: string) {
  const onContact = useOnContact();
  return useMutation({
    mutationFn: (change: ContactChange) => patch<ContactDetail>(contactPath(id), change),
    onSuccess: onContact,
  });
}

export function useMergeContact(id: string) {
  const onContact = useOnContact();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (otherId: string) => post<ContactDetail>(contactPath(id) + "/merge", { contact_id: otherId }),
    onSuccess: (c) => {
      onContact(c);
      void qc.invalidateQueries({ queryKey: keys.conversations });
    },
  });
}

/** useEraseContact forgets the contact; the panel then shows what is
 * left (the anonymised contact and conversations). */
export function useEraseContact(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => del<{ erased: boolean; conversations: number }>(contactPath(id)),
    onSuccess: () =>
      Promise.all(
        [keys.contact(id), ["conversation"], ["messages"], keys.conversations].map((queryKey) => qc.invalidateQueries({ queryKey })),
      ),
  });
}

export function useContactSearch(q: string) {
  return useQuery({
    queryKey: ["contacts", q],
    queryFn: async ({ signal }) => (await get<Page<Contact>>("/api/v1/contacts" + qs({ q, limit: 10 }), { signal })).items,
    enabled: q.trim().length > 0,
    staleTime: 10_000,
  });
}
