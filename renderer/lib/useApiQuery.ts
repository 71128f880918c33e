// Loads one channel's answer and keeps the last good value while reloading, so periodic refreshes
// do not make the view flicker.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import type { AppErrorValue } from '../../shared/errors';
import { getApi } from '../api';

export interface ApiQuery<T> {
  data: T | null;
  error: AppErrorValue | null;
  loading: boolean;
  reload: () => void;
}

/** `request` null means "nothing to load yet". */
export function useApiQuery<C extends Channel>(channel: C, request: RequestOf<C> | null): ApiQuery<ResponseOf<C>> {
  const requestKey = request === null ? null : JSON.stringify(request);
  const [data, setData] = useState<ResponseOf<C> | null>(null);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const [loading, setLoading] = useState(false);
  // Only the newest request may write state: an older, slower answer must not overwrite it.
  const generation = useRef(0);
  const currentKey = useRef<string | null>(null);

  const load = useCallback(() => {
    if (requestKey === null) return;
    const mine = ++generation.current;
    setLoading(true);
    void getApi()
      .invoke(channel, JSON.parse(requestKey) as RequestOf<C>)
      .then((result) => {
        if (mine !== generation.current) return;
        setLoading(false);
        if (result.ok) {
          setData(result.value);
          setError(null);
        } else {
          setError(result.error);
        }
      });
  }, [channel, requestKey]);

  useEffect(() => {
    if (currentKey.current !== requestKey) {
      currentKey.current = requestKey;
      setData(null);
      setError(null);
    }
    load();
  }, [requestKey, load]);

  return { data, error, loading, reload: load };
}
