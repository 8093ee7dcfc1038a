import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Link } from 'wouter';

export interface Toast {
  /** Toasts with the same key replace each other (a burst of reflections is one toast that counts). */
  key: string;
  text: string;
  href?: string | undefined;
  linkText?: string | undefined;
  tone?: 'info' | 'success' | 'error';
}

interface ToastEntry extends Toast {
  shownAt: number;
}

const TOAST_MS = 10_000;
const MAX_TOASTS = 4;

const ToastContext = createContext<(toast: Toast) => void>(() => undefined);

/** Shows a short message in the live region. */
export function useNotify(): (toast: Toast) => void {
  return useContext(ToastContext);
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastEntry[]>([]);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((key: string) => {
    clearTimeout(timers.current.get(key));
    timers.current.delete(key);
    setToasts((list) => list.filter((t) => t.key !== key));
  }, []);

  const notify = useCallback(
    (toast: Toast) => {
      setToasts((list) =>
        [...list.filter((t) => t.key !== toast.key), { ...toast, shownAt: Date.now() }].slice(-MAX_TOASTS),
      );
      clearTimeout(timers.current.get(toast.key));
      timers.current.set(
        toast.key,
        setTimeout(() => dismiss(toast.key), TOAST_MS),
      );
    },
    [dismiss],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => clearTimeout(timer));
  }, []);

  const value = useMemo(() => notify, [notify]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <section className="toasts" aria-live="polite" aria-label="Notifications">
        {toasts.map((toast) => (
          <div key={toast.key} className={`toast toast-${toast.tone ?? 'info'}`}>
            <p>
              {toast.text}{' '}
              {toast.href ? (
                <Link href={toast.href} onClick={() => dismiss(toast.key)}>
                  {toast.linkText ?? 'Open'}
                </Link>
              ) : null}
            </p>
            <button
              type="button"
              className="icon-button"
              aria-label="Dismiss notification"
              onClick={() => dismiss(toast.key)}
            >
              ×
            </button>
          </div>
        ))}
      </section>
    </ToastContext.Provider>
  );
}
