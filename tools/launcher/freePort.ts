import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The kernel hands out ports in its ephemeral range (Linux:
 * /proc/sys/net/ipv4/ip_local_port_range, usually 32768–60999) to every
 * outgoing connection and to every `listen(0)`. A port picked with
 * `listen(0)` and handed to a child process can be taken by any outgoing
 * connection on the machine before the child binds it (seen as EADDRINUSE
 * when test files run side by side). Ports below that range are never
 * handed out by the kernel, so only another process picking the same port
 * on purpose can take one: pick randomly there, and check it binds.
 */
const LOWEST = 10_000;
const FALLBACK_EPHEMERAL_START = 32_768;

function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > LOWEST + 1_000 ? first : FALLBACK_EPHEMERAL_START;
  } catch {
    return FALLBACK_EPHEMERAL_START;
  }
}

const UPPER = ephemeralStart();
/** Ports this process already handed out: never twice, even once they are free again. */
const given = new Set<number>();

function bindsNow(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 that is free right now and outside the kernel's
 * ephemeral range (see above), for a child process to listen on. Never the
 * same port twice in one process. Rejects after 200 ports that do not bind.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = LOWEST + Math.floor(Math.random() * (UPPER - LOWEST));
    if (given.has(port)) continue;
    if (await bindsNow(port)) {
      given.add(port);
      return port;
    }
  }
  throw new Error(`no free port on 127.0.0.1 between ${LOWEST} and ${UPPER - 1}`);
}
