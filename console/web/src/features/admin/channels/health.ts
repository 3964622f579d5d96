// Channel health (issue 16): templates sync, device pairing (QR image and
// phone code) — server state of the channels screen's new parts.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, post } from "../../../lib/api";
import type { TemplateList } from "../../composer/providerTemplates";
import { providerTemplatesKey } from "../../composer/providerTemplates";

const base = (id: string) => `/api/v1/channels/${encodeURIComponent(id)}`;

export function useSyncTemplates(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => post<TemplateList>(base(id) + "/templates/sync"),
    onSuccess: (r) => qc.setQueryData(providerTemplatesKey(id), { items: r.items ?? [], synced_at: r.synced_at }),
  });
}

export function usePairPhone(id: string) {
  return useMutation({
    mutationFn: (phone: string) => post<{ pair_code: string }>(base(id) + "/link", { phone }),
  });
}

/** useLinkQR is the device's current QR code as an object URL (null when
 * the hub has none: 404 not_pairing), fetched every 20 s and whenever the
 * channel.status event says the code changed. */
export function useLinkQR(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ["channel-link", id],
    enabled,
    refetchInterval: 20_000,
    retry: false,
    queryFn: async ({ signal }) => {
      try {
        const res = await api<Response>("GET", base(id) + "/link.png", undefined, { signal, raw: true });
        return URL.createObjectURL(await res.blob());
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });
}
