/**
 * The public surface of `@herald/server`, for embedding Herald in a Node process or building a
 * custom store or bus. The `herald` CLI (bin/herald.js) is the usual way to run it.
 */
export { Hub, type HubStats, type OpenStreamInput, type PublishInput } from './hub/hub.ts';
export { HUB_DEFAULTS, type Activity, type HubOptions, type StreamGate } from './hub/options.ts';
export type { Sink } from './hub/sink.ts';
export { createApp, type HeraldApp } from './http/app.ts';
export type { AppOptions, HttpLimits } from './http/options.ts';
export * from './store/index.ts';
export * from './bus/index.ts';
export * from './presence/index.ts';
export * from './auth/index.ts';
export * from './config/index.ts';
export { startRuntime, type Runtime } from './cli/runtime.ts';
