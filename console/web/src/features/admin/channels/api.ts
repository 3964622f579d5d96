// Server state of the channels screen: channels and the channel types the
// "add channel" form is built from.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { del, get, patch, post } from "../../../lib/api";
import type { Page } from "../../../lib/types";

export interface ConfigField {
  key: string;
  label: string;
  help?: string;
  secret: boolean;
  required: boolean;
  kind: "string" | "number" | "int" | "bool" | "list" | "duration" | "object" | string;
}

export interface ChannelType {
  type: string;
  name: string;
  fields: ConfigField[];
}

export interface AdminChannel {
  id: string;
  type: string;
  name: string;
  paused: boolean;
  running: boolean;
  webhook_url: string;
  config?: Record<string, unknown>;
}

export const channelsKey = ["channels"] as const;

export function useAdminChannels() {
  return useQuery({
    queryKey: channelsKey,
    queryFn: async ({ signal }) => (await get<Page<AdminChannel>>("/api/v1/channels", { signal })).items,
  });
}

export function useChannelTypes() {
  return useQuery({
    queryKey: ["channel-types"],
    queryFn: async ({ signal }) => (await get<Page<ChannelType>>("/api/v1/channel-types", { signal })).items,
    staleTime: 10 * 60_000,
  });
}

export interface ChannelInput {
  id?: string;
  type?: string;
  name?: string;
  paused?: boolean;
  config?: Record<string, unknown>;
  check?: boolean;
}

export function useSaveChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body, create }: { id: string; body: ChannelInput; create: boolean }) =>
      create ? post<AdminChannel>("/api/v1/channels", body) : patch<AdminChannel>(`/api/v1/channels/${encodeURIComponent(id)}`, body),
    onSettled: () => qc.invalidateQueries({ queryKey: channelsKey }),
  });
}

export function useDeleteChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del<void>(`/api/v1/channels/${encodeURIComponent(id)}`),
    onSettled: () => qc.invalidateQueries({ queryKey: channelsKey }),
  });
}
