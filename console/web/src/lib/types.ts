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
}

export interface Contact {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  avatar_url?: string;
  language?: string;
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
  created_at: string;
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
  [key: string]: unknown;
}

export interface Channel {
  id: string;
  type: string;
  name: string;
  status?: string;
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
