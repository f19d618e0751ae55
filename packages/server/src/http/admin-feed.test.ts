import { afterEach, describe, expect, it, vi } from 'vitest';
import { HeraldError } from '@herald/protocol';
import type { Activity } from '../hub/options.ts';
import type { Sink } from '../hub/sink.ts';
import { AdminFeed } from './admin-feed.ts';

/** A sink whose client never reads: everything written stays buffered. */
function stalledSink(): Sink & { chunks: string[] } {
  const chunks: string[] = [];
  return {
    chunks,
    write: (c) => (chunks.push(c), false),
    get bufferedBytes() {
      return chunks.reduce((n, c) => n + c.length, 0);
    },
    end() {},
    destroy() {},
  };
}

const stats = { publishedTotal: 0, topicEventsTotal: 0, connections: 0 };
const log = { warn: vi.fn(), info: vi.fn() };

afterEach(() => {
  vi.useRealTimers();
  vi.clearAllMocks();
});

describe('AdminFeed', () => {
  it('a dashboard that never reads stops being written to at 256 KiB behind', () => {
    let emit: (a: Activity) => void = () => {};
    const feed = new AdminFeed({ stats: async () => stats, onActivity: (l) => ((emit = l), () => {}), log }, stats);
    const sink = stalledSink();
    feed.start(sink);
    for (let i = 0; i < 20_000; i++) emit({ kind: 'notification', user: 'u', title: 'x'.repeat(100), at: new Date(0).toISOString() });
    expect(sink.bufferedBytes).toBeLessThan(256 * 1024 + 1024);
    feed.stop();
  });

  it('a stats read that fails becomes a stats.error event and one log line, then stats again', async () => {
    vi.useFakeTimers();
    let fail = true;
    const feed = new AdminFeed({ stats: async () => (fail ? Promise.reject(new HeraldError('unavailable', 'Redis is down')) : stats), onActivity: () => () => {}, log }, stats);
    const sink = stalledSink();
    feed.start(sink);
    await vi.advanceTimersByTimeAsync(3000);
    const errors = sink.chunks.filter((c) => c.startsWith('event: stats.error'));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toContain('"code":"unavailable"');
    expect(log.warn).toHaveBeenCalledTimes(1);
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(sink.chunks.at(-1)).toMatch(/^event: stats\n/);
    expect(log.info).toHaveBeenCalledTimes(1);
    feed.stop();
  });

  it('a stats read slower than the interval is not started again until it settles, and nothing is written after stop', async () => {
    vi.useFakeTimers();
    let reads = 0;
    let settle: () => void = () => {};
    const feed = new AdminFeed({ stats: () => (reads++, new Promise<typeof stats>((r) => (settle = () => r(stats)))), onActivity: () => () => {}, log }, stats);
    const sink = stalledSink();
    feed.start(sink);
    await vi.advanceTimersByTimeAsync(5000);
    expect(reads).toBe(1);
    const written = sink.chunks.length;
    feed.stop();
    settle();
    await vi.advanceTimersByTimeAsync(2000);
    expect(sink.chunks.length).toBe(written);
    expect(reads).toBe(1);
  });
});
