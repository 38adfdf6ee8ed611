/** Structured logging for pipelines. Fields are plain data; the runner decides where logs go. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything (the default in backtests). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A logger that writes one line per message to the console, with the clock's time.
 *
 * @example
 * ```ts
 * const logger = consoleLogger(() => clock.now(), 'info');
 * ```
 */
export function consoleLogger(now: () => number, level: 'debug' | 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = { debug: 0, info: 1, warn: 2, error: 3 } as const;
  const min = order[level];
  const write = (lvl: keyof typeof order) => (message: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < min) return;
    const line = `${new Date(now()).toISOString()} ${lvl.toUpperCase()} ${message}${fields ? ' ' + JSON.stringify(fields) : ''}`;
    if (lvl === 'error') console.error(line);
    else console.log(line);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
