/**
 * The shared Presence contract. `create(limits)` returns one or more nodes sharing one backend
 * (local presence: one; Redis presence: two, like two processes). Cross-node checks run when
 * there are two.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lease, Presence, PresenceLimits } from '../presence.ts';

export interface PresenceContractOptions {
  create(limits: PresenceLimits): Promise<Presence[]>;
  cleanup?(): Promise<void>;
}

let counter = 0;
function unique(base: string): string {
  return `${base}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export function runPresenceContract(name: string, options: PresenceContractOptions): void {
  describe(`Presence contract: ${name}`, () => {
    let nodes: Presence[] = [];
    const create = async (limits: PresenceLimits = {}) => (nodes = await options.create(limits));
    /** Node i, wrapping around when the implementation has fewer nodes. */
    const node = (i: number) => nodes[i % nodes.length];

    afterEach(async () => {
      await Promise.all(nodes.map((n) => n.close()));
      nodes = [];
      await options.cleanup?.();
    });

    it('counts open streams per user and forgets them on release', async () => {
      await create();
      const alice = unique('alice');
      const bob = unique('bob');
      const a1 = (await node(0).open(alice, '10.0.0.1')) as Lease;
      const a2 = (await node(1).open(alice, '10.0.0.2')) as Lease;
      expect(a1).not.toBeNull();
      expect(a2).not.toBeNull();
      expect(await node(0).online([alice, bob])).toEqual({
        [alice]: { online: true, streams: 2 },
        [bob]: { online: false, streams: 0 },
      });
      await a1.release();
      await a1.release(); // idempotent
      expect(await node(1).online([alice])).toEqual({ [alice]: { online: true, streams: 1 } });
      await a2.release();
      expect(await node(0).online([alice])).toEqual({ [alice]: { online: false, streams: 0 } });
    });

    it('refuses a user past maxStreamsPerUser, counted across nodes, until one is released', async () => {
      await create({ maxStreamsPerUser: 3 });
      const user = unique('carol');
      const leases: Lease[] = [];
      for (let i = 0; i < 3; i++) leases.push((await node(i).open(user, `10.0.1.${i}`)) as Lease);
      expect(leases.every((l) => l !== null)).toBe(true);
      expect(await node(0).open(user, '10.0.1.9')).toBeNull();
      expect(await node(1).open(user, '10.0.1.9')).toBeNull();
      // Another user is not affected.
      expect(await node(0).open(unique('dave'), '10.0.1.9')).not.toBeNull();
      await leases[1].release();
      expect(await node(1).open(user, '10.0.1.9')).not.toBeNull();
    });

    it('grants exactly the limit when opens race', async () => {
      await create({ maxStreamsPerUser: 5 });
      const user = unique('erin');
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => node(i).open(user, `10.0.2.${i}`)));
      expect(results.filter((l) => l !== null)).toHaveLength(5);
      expect((await node(0).online([user]))[user].streams).toBe(5);
    });

    it('refuses an address past maxStreamsPerIp on one node', async () => {
      await create({ maxStreamsPerIp: 2 });
      const ip = '192.0.2.7';
      const first = await node(0).open(unique('u'), ip);
      expect(await node(0).open(unique('u'), ip)).not.toBeNull();
      expect(await node(0).open(unique('u'), ip)).toBeNull();
      expect(await node(0).open(unique('u'), '192.0.2.8')).not.toBeNull();
      if (nodes.length > 1) expect(await node(1).open(unique('u'), ip)).not.toBeNull();
      await first!.release();
      expect(await node(0).open(unique('u'), ip)).not.toBeNull();
    });

    it('reports connections, users and nodes', async () => {
      await create();
      const before = await node(0).stats();
      const [u1, u2] = [unique('f'), unique('g')];
      const leases = [await node(0).open(u1, '10.0.3.1'), await node(1).open(u1, '10.0.3.2'), await node(1).open(u2, '10.0.3.3')];
      expect(await node(0).stats()).toEqual({ connections: before.connections + 3, users: before.users + 2, nodes: nodes.length });
      await leases[2]!.release();
      expect(await node(1).stats()).toEqual({ connections: before.connections + 2, users: before.users + 1, nodes: nodes.length });
    });

    it('answers for names that look like object keys', async () => {
      await create();
      const lease = await node(0).open('__proto__', '10.0.4.1');
      expect(lease).not.toBeNull();
      const out = await node(0).online(['__proto__', 'constructor']);
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(Object.entries(out)).toEqual([
        ['__proto__', { online: true, streams: 1 }],
        ['constructor', { online: false, streams: 0 }],
      ]);
      await lease!.release();
    });

    it('stops counting a closed node', async () => {
      await create();
      const user = unique('h');
      await node(0).open(user, '10.0.5.1');
      await node(1).open(user, '10.0.5.2');
      if (nodes.length < 2) {
        await node(0).close();
        await expect(node(0).open(user, '10.0.5.3')).rejects.toThrow(/after close/);
        return;
      }
      await node(1).close();
      expect((await node(0).online([user]))[user].streams).toBe(1);
      expect((await node(0).stats()).nodes).toBe(nodes.length - 1);
    });
  });
}
