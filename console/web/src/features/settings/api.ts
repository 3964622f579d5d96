import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { get, put } from "../../lib/api";

export interface OperatorSettings {
  notify_title: boolean;
  notify_desktop: boolean;
  notify_sound: boolean;
  /** "en", "ja", or "" for the browser's language */
  language: string;
}

export const settingsKey = ["settings"] as const;

export function useSettings(enabled = true) {
  return useQuery({ queryKey: settingsKey, enabled, staleTime: 5 * 60_000, queryFn: () => get<OperatorSettings>("/api/v1/me/settings") });
}

export function useSaveSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: OperatorSettings) => put<OperatorSettings>("/api/v1/me/settings", s),
    onSuccess: (s) => qc.setQueryData(settingsKey, s),
  });
}
