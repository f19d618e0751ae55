/**
 * The Store contract suite. Each implementation's test is one call:
 * `runStoreContract('sqlite', { create, reopen, cleanup })`. Every invariant stated in
 * `store.ts` has a test here.
 */
import { describe } from 'vitest';
import { epochContract } from './epoch.contract.ts';
import { type StoreHarness, useStore } from './harness.ts';
import { inboxContract } from './inbox.contract.ts';
import { publishContract } from './publish.contract.ts';
import { stateContract } from './state.contract.ts';
import { ticketsContract } from './tickets.contract.ts';
import { topicLogContract } from './topic-log.contract.ts';
import { userLogContract } from './user-log.contract.ts';

export type { StoreContext, StoreHarness } from './harness.ts';
export { T0, note } from './harness.ts';

/** Registers the whole contract for one implementation. */
export function runStoreContract(name: string, harness: StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    const ctx = useStore(harness);
    publishContract(ctx);
    userLogContract(ctx);
    topicLogContract(ctx);
    stateContract(ctx);
    inboxContract(ctx);
    ticketsContract(ctx);
    epochContract(ctx);
  });
}
