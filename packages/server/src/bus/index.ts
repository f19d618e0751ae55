/** The Bus seam and its implementations. */
export { channelOf, type Bus, type BusHandlers, type BusMessage } from './bus.ts';
export { createMemoryBus, MemoryBroker, MemoryBus, type MemoryBusOptions } from './memory-bus.ts';
export { createRedisBus, RedisBus, type BusHealthReason, type RedisBusConnection, type RedisBusOptions } from './redis-bus.ts';
