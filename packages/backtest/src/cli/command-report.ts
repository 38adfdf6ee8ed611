/**
 * `rxtrade report <result.json> [--out report.html] [--title text] [--benchmark bars.csv] [--json]`: renders an HTML report
 * from a file that `rxtrade backtest --out`, `rxtrade sweep --out` or `rxtrade walk-forward --out` wrote (or any `resultToJson`
 * output, or `{ "runs": [{ "name", "result" }] }` of several).
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import { instrumentId, parseBarsCsv, parseWith, ValidationError } from '@rxtrade/core';
import { resultFromJson } from '../result';
import type { ReportInput } from '../report/report-input';
import { writeReport } from '../report/write-report';
import { JsonValueSchema } from './backtest-file-config';
import { defineCommand, type CliArgv, type CliOptions } from './cli-command';
import { println, UsageError, type CliIo } from './cli-io';
import { readFailure } from './read-config-file';

const options = {
  out: { alias: 'o', type: 'string', requiresArg: true, describe: "where to write the report (default: the input's name with .html)" },
  title: { type: 'string', requiresArg: true, describe: "the report's title" },
  json: { type: 'boolean', default: false, describe: 'print one JSON object on stdout' },
  benchmark: { type: 'string', requiresArg: true, describe: 'a bars CSV (date and close are used) to compare the run with: overlay, alpha, beta, rolling beta' },
} as const satisfies CliOptions;

/**
 * `rxtrade report`: an HTML report from a result file.
 *
 * @example
 * ```ts
 * await main(['report', 'result.json', '--out', 'report.html'], processIo());
 * ```
 */
export const reportCommand = defineCommand({
  name: 'report',
  summary: 'write an HTML report from a result file',
  usage: `Usage: $0 report <result.json> [--out <report.html>] [--title <text>] [--benchmark <bars.csv>] [--json]

Writes a self-contained HTML report (charts embedded, opens offline) from a result file written by \`rxtrade backtest --out\`, \`rxtrade sweep --out\` or \`rxtrade walk-forward --out\`.`,
  positional: { name: 'result', describe: 'the result file (JSON)' },
  options,
  run: writeReportFromFile,
});

async function writeReportFromFile(values: CliArgv<typeof options> & { readonly result?: unknown }, io: CliIo): Promise<number> {
  if (typeof values.result !== 'string' || values.result === '') throw new UsageError('expected one result file: rxtrade report <result.json>');
  const input = resolve(values.result);
  const source = basename(input);
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (e) {
    throw new ValidationError([{ path: [], message: `cannot read ${input}: ${readFailure(e)}` }], { source });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValidationError([{ path: [], message: `not a JSON result: ${(e as Error).message}` }], { source });
  }
  const { report, kind } = toReportInput(json, source);
  const out = resolve(values.out ?? input.replace(/\.json$/i, '') + '.html');
  const benchmark = values.benchmark ? readBenchmark(values.benchmark) : undefined;
  const bytes = writeReport(out, report, { title: values.title ?? defaultTitle(json, kind), generatedAt: io.clock.now(), ...(benchmark ? { benchmark } : {}) });
  if (values.json) println(io.stdout, JSON.stringify({ command: 'report', input, kind, report: out, bytes }));
  else println(io.stdout, `wrote ${out} (${(bytes / 1024 / 1024).toFixed(2)} MB, ${kind}); open it in a browser, no network needed`);
  return 0;
}

const TaskResultJsonSchema = z.object({
  id: z.number().int(),
  params: z.record(z.string(), JsonValueSchema),
  metrics: z.record(z.string(), z.number()),
  summary: z.record(z.string(), z.string()).default({}),
});

/** What `rxtrade sweep --out` writes (the fields a report needs). */
const SweepFileSchema = z.object({
  results: z.array(TaskResultJsonSchema).min(1),
  objective: z.union([z.string().min(1), z.object({ name: z.string().min(1), goal: z.enum(['max', 'min']).optional() })]).optional(),
  ranked: z.array(z.object({ id: z.number().int(), score: z.union([z.number(), z.null()]).transform((v) => v ?? NaN) })).optional(),
  runs: z.array(z.object({ name: z.string(), result: z.unknown() })).optional(),
});

/** A score as `rxtrade walk-forward --out` writes it: a number, or "NaN"/"Infinity" for one JSON cannot hold. */
const ScoreJsonSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number), z.null().transform(() => NaN)]);
const WindowJsonSchema = z.object({ start: z.number(), end: z.number() });

/** What `rxtrade walk-forward --out` writes (the fields a report needs). */
const WalkForwardFileSchema = z.object({
  mode: z.string().min(1),
  objective: z.object({ name: z.string().min(1), goal: z.enum(['max', 'min']).optional() }),
  folds: z
    .array(
      z.object({
        index: z.number().int(),
        inSample: WindowJsonSchema,
        outOfSample: WindowJsonSchema,
        params: z.record(z.string(), JsonValueSchema),
        candidates: z.number().int().optional(),
        inSampleScore: ScoreJsonSchema,
        outOfSampleScore: ScoreJsonSchema,
        degradation: ScoreJsonSchema,
        outOfSampleMetrics: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
      }),
    )
    .min(1),
  equityCurve: z.object({ ts: z.array(z.number()), equity: z.array(z.number()) }),
  metrics: z.record(z.string(), ScoreJsonSchema),
  trades: z.array(z.record(z.string(), z.unknown())),
  meanInSampleScore: ScoreJsonSchema,
  meanOutOfSampleScore: ScoreJsonSchema,
  degradation: ScoreJsonSchema,
});

/** Reads what the CLI writes: a result, `{ runs }`, a sweep output file `{ results, objective, ranked, runs }` or a walk-forward one. */
function toReportInput(json: unknown, source: string): { report: ReportInput; kind: string } {
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof ValidationError) throw new ValidationError(e.issues, { source });
      throw e;
    }
  };
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const runsOf = (runs: ReadonlyArray<{ name?: unknown; result: unknown }>) =>
    runs.map((r, i) => ({ name: String(r.name ?? `run ${i + 1}`), result: wrap(() => resultFromJson(r.result)) }));
  if ('results' in o) {
    const file = wrap(() => parseWith(SweepFileSchema, json, 'sweep'));
    const runs = file.runs ? runsOf(file.runs) : undefined;
    return {
      kind: 'sweep',
      report: {
        sweep: { results: file.results, ...(file.objective ? { objective: file.objective } : {}), ...(file.ranked ? { ranked: file.ranked } : {}) },
        ...(runs ? { runs } : {}),
      },
    };
  }
  if (o.command === 'walk-forward') {
    const file = wrap(() => parseWith(WalkForwardFileSchema, json, 'walk-forward'));
    return { kind: 'walk-forward', report: { walkForward: file } };
  }
  if (Array.isArray(o.runs)) {
    const runs = runsOf(o.runs as Array<{ name?: unknown; result: unknown }>);
    return { kind: `${runs.length} runs`, report: { runs } };
  }
  return { kind: 'backtest', report: wrap(() => resultFromJson(json)) };
}

/** A benchmark from a bars CSV (core's `parseBarsCsv` format): its closes, named after the file. */
function readBenchmark(file: string): { name: string; ts: number[]; close: number[] } {
  const path = resolve(file);
  const source = basename(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ValidationError([{ path: ['benchmark'], message: `cannot read ${path}: ${readFailure(e)}` }], { source });
  }
  const { bars } = parseBarsCsv(text, { instrumentId: instrumentId(source), source });
  return { name: source.replace(/\.csv$/i, ''), ts: bars.map((b) => b.ts), close: bars.map((b) => b.close) };
}

function defaultTitle(json: unknown, kind: string): string {
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (typeof o.title === 'string') return o.title;
  if (kind === 'sweep') return `Parameter sweep${typeof o.strategy === 'string' ? `: ${o.strategy}` : ''}`;
  return kind === 'backtest' ? 'Backtest report' : 'Run comparison';
}
