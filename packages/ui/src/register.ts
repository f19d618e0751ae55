/**
 * The entry of `dist/herald-bell.js`: registers `<herald-bell>` with the SDK wired in, so a
 * plain HTML page needs one script tag and the element's attributes.
 */
import { createHerald } from '@herald/client';
import { defineHeraldBell } from './define.ts';
import type { HeraldSource } from './source.ts';

defineHeraldBell((o) => {
  // Sharing is keyed per user by the SDK (the token's sub, or ready's user): nothing to pass.
  const client = createHerald({ url: o.url, token: o.token, getToken: o.getToken, topics: o.topics.length ? o.topics : undefined });
  client.connect();
  const source: HeraldSource = client;
  return source;
});

export { HeraldBell } from './bell-element.ts';
