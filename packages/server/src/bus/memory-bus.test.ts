import { describe, expect, it } from 'vitest';
import { runBusContract } from './contract/bus.contract.ts';
import { collector } from './contract/collector.ts';
import { notificationMessage } from './contract/messages.ts';
import { createMemoryBus, MemoryBroker } from './memory-bus.ts';

runBusContract('memory', {
  async create() {
    const broker = new MemoryBroker();
    return [createMemoryBus({ broker }), createMemoryBus({ broker }), createMemoryBus({ broker })];
  },
});

describe('MemoryBus', () => {
  it('delivers asynchronously, never inside publish', async () => {
    const bus = createMemoryBus();
    const c = collector();
    await bus.start(c);
    await bus.subscribe('u:x');
    const done = bus.publish(notificationMessage('x', 1));
    expect(c.messages).toHaveLength(0);
    await done;
    await new Promise((r) => setTimeout(r, 0));
    expect(c.messages).toHaveLength(1);
  });

  it('drops a message queued before unsubscribe', async () => {
    const bus = createMemoryBus();
    const c = collector();
    await bus.start(c);
    await bus.subscribe('u:x');
    // Not awaited on purpose: queued, then unsubscribed before delivery. The memory bus never rejects.
    void bus.publish(notificationMessage('x', 1));
    await bus.unsubscribe('u:x');
    await new Promise((r) => setTimeout(r, 0));
    expect(c.messages).toHaveLength(0);
  });

  it('forgets empty channels in the broker', async () => {
    const broker = new MemoryBroker();
    const bus = createMemoryBus({ broker });
    await bus.start(collector());
    await bus.subscribe('u:x');
    expect(broker.channelCount).toBe(1);
    await bus.unsubscribe('u:x');
    expect(broker.channelCount).toBe(0);
  });

  it('rejects publish after close', async () => {
    const bus = createMemoryBus();
    await bus.start(collector());
    await bus.close();
    await expect(bus.publish(notificationMessage('x', 1))).rejects.toThrow(/after close/);
  });
});
