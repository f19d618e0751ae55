/** Registration of `<herald-bell>`, idempotent so two bundles on one page do not clash. */
import { HeraldBell, type SourceFactory } from './bell-element.ts';

/**
 * Defines `<herald-bell>` (once per page). `factory` lets the bell create its own client from
 * its attributes; without one, it only shows a client set through `bell.client`.
 */
export function defineHeraldBell(factory?: SourceFactory): void {
  if (factory && !HeraldBell.sourceFactory) HeraldBell.sourceFactory = factory;
  if (typeof customElements === 'undefined' || customElements.get('herald-bell')) return;
  customElements.define('herald-bell', HeraldBell);
}
