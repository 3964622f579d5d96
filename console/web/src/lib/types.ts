// Shapes of the hub's API (/api/v1), as documented in console/assets/openapi.json.

export type Role = "admin" | "supervisor" | "operator";
export type Presence = "online" | "away" | "offline";
export type ConversationStatus = "open" | "pending" | "resolved" | string;
export type Delivery = "pending" | "sent" | "delivered" | "read" | "failed" | string;

export interface Me {
  id: string;
  workspace_id: string;
  email: string;
  name: string;
  role: Role;
  department_ids: string[];
  presence?: Presence;
  csrf_token?: string;
  /** Leaflet tile URL template of the visitor map. */
  map_tile_url?: string;
}

export interface Identity {
  channel: string;
  external_id: string;
  opted_out?: boolean;
}

export interface PageView {
  url: string;
  title?: string;
  at: string;
}

export interface GeoLocation {
  country?: string;
  country_code?: string;
  region?: string;
  city?: string;
  latitude: number;
  longitude: number;
}

/** CustomerContext: where a customer is and with what (empty: unknown or not collected). */
export interface CustomerContext {
  page_url?: string;
  page_title?: string;
  pages?: PageView[] | null;
  referrer?: string;
  browser?: string;
  os?: string;
  device?: string;
  user_agent?: string;
  language?: string;
  ip?: string;
  location?: GeoLocation;
  time_zone?: string;
  currency?: string;
  channel?: string;
  channel_type?: string;
  first_seen_at?: string;
  last_seen_at?: string;
}

export interface Contact {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  avatar_url?: string;
  language?: string;
  identities?: Identity[];
  email_verified?: boolean;
  phone_verified?: boolean;
  external_id?: string;
  attributes?: Record<string, string> | null;
  labels?: string[] | null;
  context?: CustomerContext;
  erased_at?: string;
  created_at?: string;
  updated_at?: string;
}

/** ContactConversation is one of a contact's conversations (GET /api/v1/contacts/{id}). */
export interface ContactConversation {
  id: string;
  channel: string;
  channel_type: string;
  status: ConversationStatus;
  department_id?: string;
  last_message?: string;
  last_activity_at: string;
  created_at: string;
}

export interface ContactDetail extends Contact {
  conversations: ContactConversation[];
  first_contact_at?: string;
  last_contact_at?: string;
}

export interface PrivacySettings {
  collect_ip: boolean;
  collect_location: boolean;
  visitor_retention_days: number;
}

export interface Conversation {
  id: string;
  channel: string;
  channel_type: string;
  contact_id: string;
  contact?: Contact;
  department_id?: string;
  assignee_id?: string;
  status: ConversationStatus;
  unread_count: number;
  unread: boolean;
  labels: string[];
  contact_online: boolean;
  last_message?: string;
  last_activity_at: string;
  /** the customer's context during this conversation (GET one only) */
  context?: CustomerContext;
  created_at: string;
  /** higher first in the department's queue */
  priority?: number;
  /** set while the conversation waits for an operator */
  queued_at?: string;
  queue_position?: number;
  wait_seconds?: number;
  /** set when the conversation is a ticket (issue 15) */
  ticket?: TicketBadge;
  /** when the customer last wrote (the provider's timestamp) */
  customer_last_at?: string;
  /** when the channel's customer-service window closes (channels with one) */
  window_expires_at?: string;
}

/** TicketBadge is what lists show of a conversation's ticket. */
export interface TicketBadge {
  number: number;
  subject: string;
  priority: "low" | "normal" | "high" | "urgent";
  status: "open" | "waiting" | "resolved";
  /** the nearest unmet target */
  due_at?: string;
  breached: boolean;
}

export interface Button {
  label: string;
  payload?: string;
  url?: string;
}

export interface FormField {
  name: string;
  label: string;
  type?: string;
  required?: boolean;
  value?: string;
}

export interface Part {
  kind: string;
  text?: string;
  html?: string;
  attachment?: {
    url?: string;
    media_id?: string;
    content_type?: string;
    filename?: string;
    size?: number;
  };
  location?: { title?: string; address?: string; latitude: number; longitude: number };
  sticker?: { package_id?: string; sticker_id: string; url?: string };
  buttons?: Button[];
  quick_reply?: boolean;
  form?: { title?: string; fields: FormField[]; submit_label?: string };
  form_response?: { form_message_id?: string; fields: FormField[] };
  link?: { url: string; title?: string; description?: string; image_url?: string };
  csat?: { token: string; url?: string; score?: number; closed?: boolean };
  /** a provider template by name (WhatsApp), with its parameters by number or name */
  template?: { name: string; language?: string; variables?: Record<string, string> };
  /** a customer's emoji reaction to an earlier message (its provider id) */
  reaction?: { emoji: string; to: string };
}

export interface Message {
  id: string;
  conversation_id: string;
  direction: "in" | "out" | "note" | string;
  parts: Part[];
  text: string;
  status?: Delivery;
  failure_reason?: string;
  author_id?: string;
  author_name?: string;
  /** where the message was written: "console", "api"…; echoes: "page_inbox", "phone", "app:<id>" */
  via?: string;
  /** the provider's id of the message */
  external_id?: string;
  created_at: string;
  retracted_at?: string;
  deleted_at?: string;
  deleted_by?: string;
  deleted_by_name?: string;
  [key: string]: unknown;
}

export interface Page<T> {
  items: T[];
  next?: string;
}

export interface Capabilities {
  text_limit?: number;
  max_text_length?: number;
  html?: boolean;
  markdown?: boolean;
  media?: boolean;
  media_kinds?: string[];
  buttons?: boolean;
  retract?: boolean;
  /** the channel sends provider templates (WhatsApp) */
  templates?: boolean;
  /** the provider's customer-service window in seconds; 0 or absent: none */
  reply_window_seconds?: number;
  reactions?: boolean;
  [key: string]: unknown;
}

export type ChannelState = "ok" | "credentials_broken" | "unpaired" | "logged_out" | "outdated_client" | "temporary_ban" | "disconnected";

/** ChannelStatus is a channel's health as its connector last reported it. */
export interface ChannelStatus {
  channel_id: string;
  state: ChannelState | string;
  /** the provider's words */
  reason?: string;
  /** the pairing payload while unpaired (shown as link.png) */
  qr?: string;
  pair_code?: string;
  account?: string;
  until?: string;
  since?: string;
}

/** ProviderTemplate is a message template synced from the provider (WhatsApp). */
export interface ProviderTemplate {
  channel_id: string;
  name: string;
  language: string;
  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED */
  status: string;
  category?: string;
  header?: string;
  body: string;
  footer?: string;
  params?: string[] | null;
  /** the text header's parameters, sent as variables "header.<name>" */
  header_params?: string[] | null;
  buttons?: string[] | null;
}

export interface Channel {
  id: string;
  type: string;
  name: string;
  status?: ChannelStatus;
  config?: Record<string, unknown>;
  capabilities?: Capabilities;
}

export interface Department {
  id: string;
  name: string;
}

export interface Template {
  id: string;
  name: string;
  shortcut: string;
  text?: string;
  parts?: Part[];
  scope: "personal" | "shared";
}

export interface Operator {
  id: string;
  name: string;
  email: string;
  role: Role;
  presence?: Presence;
}

export interface SearchResult {
  conversations?: Conversation[];
  contacts?: Contact[];
  messages?: Message[];
  items?: Message[];
}
