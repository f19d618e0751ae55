/** The React context that carries the provider's one client. */
import { createContext, useContext } from 'react';
import type { HeraldSource } from '@herald/ui';

/** The client type the hooks need; `createHerald()` from `@herald/client` satisfies it. */
export type HeraldClientLike = HeraldSource;

export const HeraldContext = createContext<HeraldClientLike | null>(null);

/** The provider's client, or null before it is created (first render, server rendering). */
export function useHeraldClient(): HeraldClientLike | null {
  return useContext(HeraldContext);
}
