import { describe, expect, it } from 'vitest';
import { runPresenceContract } from './contract/presence.contract.ts';
import { createLocalPresence } from './local-presence.ts';

runPresenceContract('local', { create: async (limits) => [createLocalPresence(limits)] });

describe('LocalPresence', () => {
  it('rejects nonsense limits at creation', () => {
    expect(() => createLocalPresence({ maxStreamsPerUser: 0 })).toThrow(/maxStreamsPerUser/);
    expect(() => createLocalPresence({ maxStreamsPerIp: 1.5 })).toThrow(/maxStreamsPerIp/);
  });

  it('defaults to 50 streams per user', async () => {
    const p = createLocalPresence();
    const granted = await Promise.all(Array.from({ length: 60 }, (_, i) => p.open('u', `10.0.0.${i}`)));
    expect(granted.filter(Boolean)).toHaveLength(50);
  });
});
