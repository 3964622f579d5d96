// The shapes of the hub's /widget/v1 API as the widget reads them (see
// console/assets/openapi.json and console/widget.go).

// A message part is the hub's one model (switchboard.Part), typed once for
// the console and the widget.
import type { FormField, Part } from "../../web/src/lib/types";

export type { Button, FormField, Part } from "../../web/src/lib/types";
export type Form = NonNullable<Part["form"]>;

/** FieldValue is one answered field of a form (the hub fills in labels it trusts). */
export type FieldValue = Pick<FormField, "name" | "label"> & { value: string };

export interface FormResponse {
  form_message_id?: string;
  fields: FieldValue[];
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
  availability?: Availability;
  /** The channel's workspace: its help centre and customer portal. */
  workspace_id?: string;
}

/** A help-centre article the widget suggests (GET /widget/v1/articles). */
export interface Article {
  id: string;
  title: string;
  snippet: string;
  url: string;
  locale?: string;
}

/** Whether the team takes chats now, and what the widget shows when not. */
export interface Availability {
  open: boolean;
  mode: "chat" | "form" | "banner";
  message?: string;
  hours?: { day: string; ranges: { from: string; to: string }[] }[];
  time_zone?: string;
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
  /** queue: the visitor's place (0: an operator has it) and the estimated wait */
  position?: number;
  wait_seconds?: number;
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
