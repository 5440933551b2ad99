/**
 * Loaded before any service code, so the tracer provider, propagator and
 * context manager are registered before the first span, and (with
 * TRACE_CONTEXT=async) the ioredis instrumentation is in place before
 * ioredis loads:
 *
 *   tsx --require ./packages/telemetry/src/preload.ts services/<name>/src/main.ts
 *   node --require <compiled preload.js> main.js
 *
 * Settings come from the environment (see `tracingOptionsFromEnv`); nothing
 * starts when OTEL_SDK_DISABLED=true. See `startTracingFromEnv`.
 *
 * This file is plain CommonJS on purpose (no import/export, no types): under
 * `tsx`, Node also runs `--require` modules in the module-loader thread,
 * where tsx does not compile TypeScript, so the file must parse as plain
 * JavaScript there, and does nothing off the main thread.
 */
if (require('node:worker_threads').isMainThread) {
  require('./tracing').startTracingFromEnv(process.env);
}
