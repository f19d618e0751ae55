// Fixture for test/lint.test.ts (ignored by `npm run lint`). It must report exactly these (the
// unexplained ones), and none of the explained or handled forms further down:
// expect line 13: herald/no-unexplained-silence
// expect line 14: herald/no-unexplained-silence
// expect line 15: herald/no-unexplained-silence
// expect line 18: herald/no-unexplained-silence
// expect line 21: herald/no-unexplained-silence

async function work(): Promise<void> {}
const log = (err: unknown) => console.error(err);

export function unexplained(): void {
  void work();
  work().catch(() => {});
  work().then(() => 1, () => undefined);
  try {
    JSON.parse('x');
  } catch {}
  // A comment about the next statement explains nothing two statements down.
  log('x');
  void work().finally(() => log('done'));
}

export function explained(): void {
  // A best-effort warm-up: a failure here shows again, logged, on first use.
  void work();
  work().catch(() => {}); // the caller retries on its own timer
  work().catch(() => {
    /* the socket is already closed: nothing left to tell */
  });
  try {
    JSON.parse('x');
  } catch {
    // Not JSON: the caller treats the body as text.
  }
}

export function handled(): void {
  void work().catch(log);
  void work().then(() => 1, log);
  void log('not a promise');
  void 0;
  work().catch(() => null);
}
