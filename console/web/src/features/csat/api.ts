// Server state of the satisfaction screen (issue 15: GET /api/v1/csat):
// the rated conversations and their aggregates.
import { useInfiniteQuery } from "@tanstack/react-query";
import { get, qs } from "../../lib/api";

export interface CSATAnswer {
  id: string;
  conversation_id: string;
  score: number;
  comment: string;
  operator_id: string;
  operator_name: string;
  department_id: string;
  department_name: string;
  channel: string;
  channel_type: string;
  via: string;
  asked_at: string;
  answered_at: string;
}

export interface CSATBucket {
  key: string;
  name?: string;
  count: number;
  average: number;
  satisfied: number;
  satisfied_share: number;
}

export interface CSATAggregates {
  overall: CSATBucket;
  by_operator: CSATBucket[];
  by_department: CSATBucket[];
  by_channel: CSATBucket[];
  by_period: CSATBucket[];
}

export interface CSATResult {
  items: CSATAnswer[];
  next: string;
  aggregates: CSATAggregates;
}

export interface CSATFilter {
  operator_id?: string;
  department_id?: string;
  channel?: string;
  from?: string;
  to?: string;
  group?: "day" | "week" | "month";
}

/** useCSAT pages the answers; the aggregates are those of the first page's answer (all matching). */
export function useCSAT(f: CSATFilter) {
  return useInfiniteQuery({
    queryKey: ["csat", f],
    initialPageParam: "",
    queryFn: ({ pageParam, signal }) => get<CSATResult>("/api/v1/csat" + qs({ ...f, cursor: pageParam || undefined }), { signal }),
    getNextPageParam: (last) => last.next || undefined,
  });
}
