import pino from 'pino';
import type { LogLevel } from './commonConfig';

export type Logger = pino.Logger;

/**
 * A structured JSON logger for one service. Writes asynchronously to stdout
 * so that logging never blocks the event loop on the request path; call
 * `logger.flush()` before exit (the server runner does).
 */
export function createLogger(service: string, level: LogLevel = 'info'): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Defence in depth: these never belong in logs.
      redact: { paths: ['email', '*.email', 'authorization', '*.authorization', 'token', '*.token'], censor: '[redacted]' },
    },
    pino.destination({ dest: 1, sync: false }),
  );
}
