/**
 * `@rxtrade/connectors/cli`: the `rxtrade data` commands (import, download, list, inspect, export,
 * quality) over a market-data catalog. The `rxtrade` command of `@rxtrade/backtest` runs them when this
 * package is installed beside it; {@link dataMain} runs them in any program.
 *
 * @packageDocumentation
 */
export { dataMain, DATA_COMMANDS } from './data-main';
export { dataProcessIo, DataUsageError } from './data-io';
export type { DataCliIo, DataCliSink } from './data-io';
export type { DataCommand } from './data-command';
