// The shapes of the hub's /widget/v1 API as the widget reads them (see
// console/assets/openapi.json and console/widget.go).

export interface Attachment {
  url?: string;
  media_id?: string;
  content_type?: string;
  filename?: string;
  size?: number;
}

export interface Button {
  label: string;
  payload?: string;
  url?: string;
}

export interface FormField {
  name: string;
  label: string;
  type: "text" | "email" | "tel" | "textarea";
  required?: boolean;
}

export interface Form {
  title?: string;
  fields: FormField[];
  submit_label?: string;
}

export interface FieldValue {
  name: string;
  label?: string;
  value: string;
}

export interface FormResponse {
  form_message_id?: string;
  fields: FieldValue[];
}

export interface LinkPreview {
  url: string;
  title?: string;
  description?: string;
  image_url?: string;
}

export interface Part {
  kind: string;
  text?: string;
  attachment?: Attachment;
  buttons?: Button[];
  quick_reply?: boolean;
  form?: Form;
  form_response?: FormResponse;
  link?: LinkPreview;
  sticker?: { url?: string };
  location?: { title?: string; address?: string; latitude: number; longitude: number };
}

export interface Author {
  name: string;
  avatar_url?: string;
}

/** A message of the visitor's conversation: "in" is the visitor's, "out" the team's. */
export interface Message {
  id: string;
  direction: "in" | "out";
  text: string;
  parts: Part[] | null;
  status?: string;
  created_at: string;
  retracted_at?: string;
  author?: Author;
  /** Set on a message the widget still has to send (its outbox entry). */
  pending?: boolean;
}

export interface UploadLimits {
  max_bytes: number;
  types: string[];
  max_files: number;
}

/** The channel's look and limits (GET /widget/v1/config). */
export interface Config {
  channel: string;
  title?: string;
  greeting?: string;
  color?: string;
  position?: "right" | "left" | "";
  language?: string;
  max_text_length?: number;
  upload?: UploadLimits;
  identity_verification?: boolean;
}

export interface History {
  items: Message[];
  next: string;
  conversation_id?: string;
  read_at?: string | null;
}

/** A frame of the visitor's WebSocket stream. */
export interface Frame {
  type: string;
  message?: Message;
  typing?: boolean;
  name?: string;
  at?: string;
}

export interface PageContext {
  url: string;
  title: string;
  referrer: string;
  language: string;
  time_zone: string;
}

export interface Identity {
  name?: string;
  email?: string;
  phone?: string;
  external_id?: string;
  attributes?: Record<string, string>;
  signature?: string;
}
