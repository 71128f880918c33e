// Small hooks shared by views: event subscriptions that always see the latest closure, intervals.
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../shared/contract';
import { getApi } from '../api';

/** Subscribes once per event name; the listener may change every render without resubscribing. */
export function useApiEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  const latest = useRef(listener);
  useLayoutEffect(() => {
    latest.current = listener;
  });
  useEffect(() => getApi().on(event, (payload) => latest.current(payload)), [event]);
}

/** Calls `callback` every `ms` while `ms` is not null. */
export function useInterval(callback: () => void, ms: number | null): void {
  const latest = useRef(callback);
  useLayoutEffect(() => {
    latest.current = callback;
  });
  useEffect(() => {
    if (ms === null) return;
    const timer = window.setInterval(() => latest.current(), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
}

/** Calls `callback` each time `key` changes to a new non-empty value. */
export function useOnKeyChange(key: string, callback: () => void): void {
  const latest = useRef(callback);
  useLayoutEffect(() => {
    latest.current = callback;
  });
  useEffect(() => {
    if (key) latest.current();
  }, [key]);
}
