import { runStoreContract } from './contract/index.ts';
import { createMemoryStore } from './memory-store.ts';

runStoreContract('memory', { create: async () => createMemoryStore() });
