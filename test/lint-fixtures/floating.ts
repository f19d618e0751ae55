// Fixture for test/lint.test.ts (ignored by `npm run lint`). It must report exactly:
// expect line 8: @typescript-eslint/no-floating-promises
// expect line 9: @typescript-eslint/no-misused-promises

async function work(): Promise<void> {}

export function start(): void {
  work();
  setInterval(async () => work(), 1000);
}

export async function handled(): Promise<void> {
  await work();
  work().catch((err: unknown) => console.error(err));
}
