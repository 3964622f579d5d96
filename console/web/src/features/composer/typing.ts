// Tells the customer an operator is writing: POST .../typing {"typing":
// true} while the operator types (at most every few seconds), and
// {"typing": false} once when the text is sent, cleared or left.
import { useEffect, useRef } from "react";
import { post } from "../../lib/api";

/** TYPING_EVERY is the least time between two "typing" signals. */
const TYPING_EVERY = 3000;

export function useTypingSignal(convId: string) {
  const last = useRef(0);
  const path = `/api/v1/conversations/${encodeURIComponent(convId)}/typing`;
  const signal = (typing: boolean) => void post(path, { typing }).catch(() => undefined);
  const stop = () => {
    if (!last.current) return;
    last.current = 0;
    signal(false);
  };
  const stopRef = useRef(stop);
  stopRef.current = stop;
  // Leaving the conversation stops the indicator too.
  useEffect(() => () => stopRef.current(), [convId]);
  return {
    /** onText is called with the draft after each change. */
    onText(text: string) {
      if (!text.trim()) return stop();
      const now = Date.now();
      if (now - last.current < TYPING_EVERY) return;
      last.current = now;
      signal(true);
    },
    stop,
  };
}
