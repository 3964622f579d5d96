// Server state of the workspace's privacy settings: read by every operator
// (the side panel says why a field is empty), changed by admins.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { get, put } from "../../../lib/api";
import type { PrivacySettings } from "../../../lib/types";

const privacyKey = ["workspace", "privacy"] as const;
const path = "/api/v1/workspace/privacy";

export function usePrivacy() {
  return useQuery({
    queryKey: privacyKey,
    queryFn: ({ signal }) => get<PrivacySettings>(path, { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useSavePrivacy() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: PrivacySettings) => put<PrivacySettings>(path, s),
    onSuccess: (s) => qc.setQueryData(privacyKey, s),
  });
}
