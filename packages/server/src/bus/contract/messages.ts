/** Sample bus messages for contract suites: every payload shape a hub sends. */
import type { BusMessage } from '../bus.ts';

export function notificationMessage(user: string, seq: number): BusMessage {
  return {
    kind: 'user',
    event: {
      user,
      seq,
      at: 1_700_000_000_000 + seq,
      type: 'notification',
      notification: {
        id: `n_${seq}`,
        recipient: user,
        title: `Title ${seq} — ünïcödé ✓`,
        body: 'line one\nline two\r\n"quoted" \\ backslash',
        severity: 'warning',
        category: 'billing',
        url: 'https://example.test/x?y=1&z=2',
        data: { nested: { list: [1, 'two', null, true], empty: {} }, n: 3.5 },
        expiresAt: 1_800_000_000_000,
        seq,
        createdAt: 1_700_000_000_000,
        seenAt: 1_700_000_000_500,
      },
    },
  };
}

export function stateMessage(user: string, seq: number, all = false): BusMessage {
  return {
    kind: 'user',
    event: all
      ? { user, seq, at: 1_700_000_000_000, type: 'notification.state', change: { action: 'read', all: true } }
      : { user, seq, at: 1_700_000_000_000, type: 'notification.state', change: { action: 'archive', ids: ['n_1', 'n_2'] } },
  };
}

export function topicMessage(topic: string, seq: number): BusMessage {
  return {
    kind: 'topic',
    event: { seq, topic, event: 'order.updated', data: '{"status":"shipped",\n"eta":"soon"}', at: 1_700_000_000_000 + seq },
  };
}
