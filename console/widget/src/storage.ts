// Per-channel persistence in localStorage (the visitor token, the cached
// look, what the visitor has seen). Every access is guarded: storage can
// be disabled or full, and the widget must still work for this page view.

export class VisitorStorage {
  /** The old widget's token key, kept so returning visitors keep their history. */
  private readonly prefix: string;

  constructor(hub: string, channel: string) {
    this.prefix = `switchboard:${hub}:${channel}`;
  }

  get(name = ""): string | null {
    try {
      return localStorage.getItem(this.key(name));
    } catch {
      return null;
    }
  }

  set(name: string, value: string | null): void {
    try {
      if (value === null) localStorage.removeItem(this.key(name));
      else localStorage.setItem(this.key(name), value);
    } catch {
      /* storage disabled: keep going without it */
    }
  }

  /** key is the storage key of name ("" is the token). */
  key(name: string): string {
    return name ? `${this.prefix}:${name}` : this.prefix;
  }
}
