/**
 * A Sink for hub tests: records what a client would read and parses it into SSE events, so a test
 * asserts on events, not bytes.
 */
import type { Sink } from '../../packages/server/src/hub/sink.ts';

export interface RecordedEvent {
  id: string | undefined;
  event: string;
  data: any;
}

export interface RecordingSink extends Sink {
  text(): string;
  ended: boolean;
  destroyed: boolean;
}

/** A sink plus its parsed events. `stalled` keeps every byte "queued", as a client that stopped reading. */
export function recorder(opts: { stalled?: boolean } = {}): { sink: RecordingSink; events(): RecordedEvent[] } {
  let text = '';
  let queued = 0;
  const sink: RecordingSink = {
    ended: false,
    destroyed: false,
    write(chunk) {
      if (opts.stalled) queued += chunk.length;
      else text += chunk;
      return !opts.stalled;
    },
    get bufferedBytes() {
      return queued;
    },
    end() {
      this.ended = true;
    },
    destroy() {
      this.destroyed = true;
    },
    text: () => text,
  };
  const events = (): RecordedEvent[] =>
    text
      .split('\n\n')
      .filter((b) => /^(id|event|data):/m.test(b))
      .map((b) => {
        const f: Record<string, string> = {};
        for (const line of b.split('\n')) {
          const m = /^(id|event|data): (.*)$/.exec(line);
          if (m) f[m[1]!] = f[m[1]!] === undefined ? m[2]! : `${f[m[1]!]}\n${m[2]}`;
        }
        return { id: f.id, event: f.event ?? 'message', data: JSON.parse(f.data ?? 'null') };
      });
  return { sink, events };
}

/** Polls `cond` every 5 ms; throws after `ms`. */
export async function until(cond: () => boolean, ms = 2000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
