/**
 * `<HeraldProvider>`: creates one SDK client for the tree and closes it on unmount. The client
 * is created in an effect, not during render, so StrictMode's mount-unmount-mount and server
 * rendering never leave a stray connection open; the first render sees no client.
 */
import { createElement, useEffect, useState, type ReactNode } from 'react';
import { createHerald } from '@herald/client';
import { HeraldContext, type HeraldClientLike } from './context.ts';

export interface HeraldProviderProps {
  /** Herald's base URL, e.g. `https://herald.example.com`. */
  url?: string;
  /** A fixed subscriber token (JWT). */
  token?: string;
  /** Returns a fresh token; called at start and after a 401/403. Null when nobody is signed in. */
  getToken?: () => Promise<string | null>;
  /** Topics to subscribe to. */
  topics?: string[];
  /** Use this client instead of creating one (the provider will not close it). */
  client?: HeraldClientLike;
  children?: ReactNode;
}

export function HeraldProvider(props: HeraldProviderProps): ReactNode {
  const { url, token, client: given } = props;
  const [created, setCreated] = useState<HeraldClientLike | null>(null);
  // The latest getToken without re-creating the client each render (inline arrows are new each time).
  const [tokenRef] = useState(() => ({ current: props.getToken }));
  tokenRef.current = props.getToken;
  const topicsKey = (props.topics ?? []).join(',');
  const hasGetToken = props.getToken !== undefined;

  useEffect(() => {
    if (given || !url) return;
    const herald = createHerald({
      url,
      token,
      getToken: hasGetToken ? () => tokenRef.current!() : undefined,
      // Tabs share one connection per user; the SDK keys that by the token's user itself.
      topics: topicsKey ? topicsKey.split(',') : undefined,
    });
    herald.connect();
    const client: HeraldClientLike = herald;
    setCreated(client);
    return () => {
      client.close();
      setCreated(null);
    };
  }, [given, url, token, topicsKey, hasGetToken, tokenRef]);

  return createElement(HeraldContext.Provider, { value: given ?? created }, props.children);
}
