/**
 * What a publisher was told, to compare with what the store kept. Every publish goes to the same
 * recipients with a unique title; afterwards each inbox must hold exactly the acknowledged titles
 * (nothing lost, nothing half-written: a publish is in every recipient's inbox or in none).
 */
import { expect } from 'vitest';
import { call, publisher, signToken } from '../../e2e/support/api.ts';

export const RECIPIENTS = ['ann', 'ben', 'cat'];

export interface Attempt {
  title: string;
  status: number;
  code?: string;
  retryAfter: string | null;
}

export function ledger(base: () => string) {
  const attempts: Attempt[] = [];
  let n = 0;
  return {
    attempts,
    /** One publish to every recipient; a 1 KB body makes the file grow. */
    async publish(): Promise<Attempt> {
      const title = `p${n++}`;
      const r = await publisher(base()).publish({ recipients: RECIPIENTS, title, body: 'x'.repeat(1024) });
      const a: Attempt = { title, status: r.status, code: r.body?.error?.code, retryAfter: r.headers.get('retry-after') };
      attempts.push(a);
      return a;
    },
    acknowledged: () => attempts.filter((a) => a.status === 201).map((a) => a.title),
    /** Every refusal was `503 unavailable` with `Retry-After`, never a 500. */
    expectOnlyCleanRefusals() {
      const bad = attempts.filter((a) => a.status !== 201 && (a.status !== 503 || a.code !== 'unavailable' || a.retryAfter === null));
      expect(bad).toEqual([]);
    },
    /** Each inbox holds exactly the acknowledged titles. */
    async expectInboxesExact() {
      const acked = this.acknowledged().sort();
      for (const user of RECIPIENTS) {
        const r = await call('GET', `${base()}/v1/inbox?status=all&limit=100`, { bearer: await signToken(user) });
        expect(r.status).toBe(200);
        expect(r.body.nextCursor).toBeNull();
        expect((r.body.items as { title: string }[]).map((i) => i.title).sort(), `inbox of ${user}`).toEqual(acked);
      }
    },
  };
}

/** `GET /readyz` status and body. */
export async function readyz(base: string): Promise<{ status: number; body: any }> {
  const r = await call('GET', `${base}/readyz`);
  return { status: r.status, body: r.body };
}
