import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Thrown when a load target is not on this machine's loopback interface. */
export class NonLoopbackHostError extends Error {
  override readonly name = 'NonLoopbackHostError';
  constructor(readonly host: string) {
    super(`load is only sent to loopback (127.0.0.1, ::1 or localhost); refusing host "${host}"`);
  }
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * The loopback address to connect to for `host`, or a {@link NonLoopbackHostError}.
 * Accepts 127.0.0.0/8, ::1 (with or without brackets) and `localhost`, which is
 * mapped to 127.0.0.1 here rather than resolved, so no name lookup can send load
 * elsewhere.
 */
export function assertLoopback(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return '127.0.0.1';
  if (isIPv4(bare) && LOOPBACK.check(bare, 'ipv4')) return bare;
  if (isIPv6(bare) && LOOPBACK.check(bare, 'ipv6')) return bare;
  throw new NonLoopbackHostError(host);
}
