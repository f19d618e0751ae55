/**
 * `<NotificationBell>`: the `<herald-bell>` custom element bound to the provider's client, so
 * the bell UI exists once (in `@herald/ui`) and React pages share the provider's connection.
 */
import { createElement, useEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import { defineHeraldBell, type HeraldBell } from '@herald/ui';
import { useHeraldClient } from './context.ts';

export interface NotificationBellProps {
  /** `light`, `dark` or `auto` (default: follows prefers-color-scheme). */
  theme?: 'light' | 'dark' | 'auto';
  /** Toast corner and panel side: `bottom-right` (default), `bottom-left`, `top-right`, `top-left`. */
  position?: string;
  className?: string;
  /** Set `--herald-*` custom properties here to theme it. */
  style?: CSSProperties;
  /** Called when a notification is chosen; call `preventDefault()` on the event to stop navigation. */
  onSelect?: (event: CustomEvent<{ notification: unknown }>) => void;
}

export function NotificationBell(props: NotificationBellProps): ReactNode {
  const client = useHeraldClient();
  const ref = useRef<HeraldBell | null>(null);
  useEffect(() => defineHeraldBell(), []);

  useEffect(() => {
    const el = ref.current;
    if (el) el.client = client;
  }, [client]);

  const { onSelect } = props;
  useEffect(() => {
    const el = ref.current;
    if (!el || !onSelect) return;
    const listener = (e: Event) => onSelect(e as CustomEvent<{ notification: unknown }>);
    el.addEventListener('herald-select', listener);
    return () => el.removeEventListener('herald-select', listener);
  }, [onSelect]);

  return createElement('herald-bell', { ref, theme: props.theme, position: props.position, className: props.className, style: props.style });
}
