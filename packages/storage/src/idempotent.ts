import { createHash } from 'node:crypto';
import { Errors } from '@govrnanza/runtime';
import type { IdempotencyStore } from './idempotencyStore';

/** The binary codec of a response message (a ts-proto message object has it). */
export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

/** Options of `idempotent`. */
export interface IdempotentOptions<Res> {
  store: IdempotencyStore;
  /** Namespaces keys per method, e.g. "CreateDomain:<org>". */
  scope: string;
  /** The client's key; empty or undefined runs `run` plainly. */
  key: string | undefined;
  /** The request, fingerprinted so a key reused for another request is refused. */
  request: unknown;
  codec: MessageCodec<Res>;
  /** How long the result is kept, in ms. */
  ttlMs: number;
}

/**
 * Runs a create at most once per idempotency key: a retry with the same key
 * gets the first result (also when the first response was lost on the way),
 * a concurrent retry gets ABORTED, and the same key with a different request
 * gets INVALID_ARGUMENT. A failed run frees the key so the client may retry.
 */
export async function idempotent<Res>(opts: IdempotentOptions<Res>, run: () => Promise<Res>): Promise<Res> {
  if (!opts.key) return run();
  if (opts.key.length > 128) throw Errors.invalidArgument('idempotency_key', 'at most 128 characters');
  const key = `${opts.scope}:${opts.key}`;
  const fingerprint = fingerprintOf(opts.request);
  const state = await opts.store.begin(key, fingerprint, opts.ttlMs);
  if (state.state !== 'new') {
    if (state.fingerprint !== fingerprint) throw Errors.idempotencyKeyReused();
    if (state.state === 'pending') throw Errors.aborted('a request with this idempotency_key is in progress; retry later');
    return opts.codec.decode(Buffer.from(state.response, 'base64'));
  }
  try {
    const response = await run();
    await opts.store.complete(key, fingerprint, Buffer.from(opts.codec.encode(response).finish()).toString('base64'), opts.ttlMs);
    return response;
  } catch (err) {
    await opts.store.abandon(key);
    throw err;
  }
}

function fingerprintOf(request: unknown): string {
  const { idempotencyKey: _ignored, ...rest } = request as Record<string, unknown>;
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64url');
}
