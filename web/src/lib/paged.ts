import { useCallback, useEffect, useRef, useState } from "react";
import type { Page } from "../api/client";

export interface Paged<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  done: boolean;
  /** Loads the next page (no-op while loading or at the end). */
  more(): void;
  /** Starts again from the first page. */
  reload(): Promise<void>;
  /** Changes the loaded items in place (optimistic edits, deletions, prepends). */
  update(change: (items: T[]) => T[]): void;
}

/** A cursor-paged list: the first page on mount (and whenever `key` changes), more on demand. */
export function usePaged<T>(load: (cursor?: string) => Promise<Page<T>>, key: string): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const fetchPage = useCallback(async (from: string | undefined, replace: boolean) => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const page = await loadRef.current(from);
      if (mine !== generation.current) return;
      setItems((old) => (replace ? page.items : [...old, ...page.items]));
      setCursor(page.next_cursor);
    } catch (exc) {
      if (mine === generation.current) setError(exc);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    setItems([]);
    setCursor(undefined);
    void fetchPage(undefined, true);
  }, [key, fetchPage]);

  const done = cursor === null;
  const more = useCallback(() => {
    if (!loading && !done && cursor) void fetchPage(cursor, false);
  }, [loading, done, cursor, fetchPage]);
  const reload = useCallback(() => fetchPage(undefined, true), [fetchPage]);
  return { items, loading, error, done, more, reload, update: setItems };
}
