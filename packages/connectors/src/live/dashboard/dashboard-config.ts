/**
 * The dashboard's options, checked once when it starts. The token is the only credential: it never
 * appears in an error message (zod's messages name the rule, not the value) nor in a log line.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { Clock, Logger } from '@rxtrade/core';

/** Hosts that only this machine can reach: binding to them needs no token. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '[::1]') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

const isLogger = (v: unknown): v is Logger =>
  typeof v === 'object' && v !== null && (['debug', 'info', 'warn', 'error'] as const).every((k) => typeof (v as Logger)[k] === 'function');

/**
 * Schema of {@link DashboardConfig}.
 *
 * @example
 * ```ts
 * import { parseWith } from '@rxtrade/core';
 * import { DashboardConfigSchema } from '@rxtrade/connectors';
 *
 * parseWith(DashboardConfigSchema, { port: 0 }).host; // '127.0.0.1'
 * ```
 */
export const DashboardConfigSchema = z
  .strictObject({
    /** TCP port; 0 picks a free one (read it back from `server.port`). */
    port: z.number().int().min(0).max(65_535).default(0),
    /** Address to bind. Anything but a loopback address (127.x, `::1`, `localhost`) requires `token`. */
    host: z.string().min(1).default('127.0.0.1'),
    /**
     * The kill switch's bearer token (at least 16 characters). Without it the kill switch is disabled
     * (the endpoint answers 403) and the dashboard may bind only to a loopback address.
     */
    token: z
      .string()
      .min(16, 'must be at least 16 characters')
      .max(512, 'must be at most 512 characters')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it travels in an Authorization header)')
      .optional(),
    /** Page title and heading (the node id is shown beside it); defaults to `rxtrade live node`. */
    title: z.string().min(1).max(200).optional(),
    /** Minimum time between two snapshots pushed to the page, in milliseconds. */
    updateIntervalMs: z.number().int().min(10).max(60_000).default(1000),
    /** Time between heartbeat comments on an idle event stream, in milliseconds. */
    heartbeatIntervalMs: z.number().int().min(10).max(300_000).default(15_000),
    /** Host names (beside the bound address and the loopback names) that browsers may use to reach the dashboard. */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** Event streams open at once; more are refused with 503. */
    maxClients: z.number().int().min(1).max(10_000).default(32),
    /** Failed kill switch attempts allowed per client address within `failedAttemptWindowMs`; more are refused with 429. */
    maxFailedAttempts: z.number().int().min(1).max(1000).default(5),
    /** The window of `maxFailedAttempts`, in milliseconds. */
    failedAttemptWindowMs: z.number().int().min(1).max(86_400_000).default(60_000),
    /**
     * Where the dashboard logs its address, the kill switch and refused attempts (with the caller's
     * address, never the token): an rxtrade `Logger`, such as `pinoLogger(…)` or `consoleLogger(…)`; silent when absent.
     */
    logger: z.custom<Logger>(isLogger, 'expected a Logger (an object with debug, info, warn and error methods)').optional(),
    /**
     * The clock of the dashboard's timers and times (the failed-attempt window, the throttle of pushed
     * snapshots, the heartbeats, the kill switch's `ts`); default a `LiveClock`. A live node passes its own,
     * so that on a virtual clock they follow virtual time.
     */
    clock: z
      .custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function' && typeof (v as Clock).setTimer === 'function', 'expected a Clock (now, setTimer)')
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.token === undefined && !isLoopbackHost(c.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        message: `binding to ${c.host}, a non-loopback address, requires a token: without one anyone who can reach the port could watch the node; set token, or bind to 127.0.0.1`,
      });
    }
  });

/** Options of `serveDashboard`; see {@link DashboardConfigSchema}. */
export type DashboardConfig = z.input<typeof DashboardConfigSchema>;
