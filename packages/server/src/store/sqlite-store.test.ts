import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runStoreContract } from './contract/index.ts';
import { createSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

const dirs: string[] = [];
const files = new WeakMap<Store, string>();

runStoreContract('sqlite', {
  async create() {
    const dir = mkdtempSync(path.join(tmpdir(), 'herald-sqlite-'));
    dirs.push(dir);
    const file = path.join(dir, 'herald.db');
    const store = createSqliteStore({ path: file });
    files.set(store, file);
    return store;
  },
  async reopen(previous) {
    await previous.close();
    const file = files.get(previous)!;
    const store = createSqliteStore({ path: file });
    files.set(store, file);
    return store;
  },
  async cleanup() {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  },
});
