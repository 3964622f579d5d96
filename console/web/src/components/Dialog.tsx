import { useEffect, useRef, type ReactNode } from "react";

/** Dialog is a modal <dialog>, open while mounted; Escape (the dialog's
 * cancel) calls onClose, and goes no further up the page. */
export function Dialog({ labelledBy, onClose, className, children }: { labelledBy: string; onClose: () => void; className?: string; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    d.showModal();
    return () => d.close();
  }, []);
  return (
    <dialog ref={ref} className={`dialog ${className ?? ""}`} aria-labelledby={labelledBy} onClose={onClose} onCancel={onClose} onKeyDown={(e) => e.key === "Escape" && e.stopPropagation()}>
      {children}
    </dialog>
  );
}
