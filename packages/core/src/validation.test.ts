import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from './errors';
import { looseObjectPaths, parseWith, preParsedConfig, unknownOptionMessage } from './validation';

const Venue = z.strictObject({ commission: z.number().default(0), slippageBps: z.number().optional() });
const Config = z.strictObject({
  venue: Venue.optional(),
  venues: z.array(Venue).default([]),
  fees: z
    .union([
      z.strictObject({ model: z.literal('percent'), rate: z.number() }),
      z.strictObject({ model: z.literal('makerTaker'), maker: z.number(), taker: z.number() }),
    ])
    .optional(),
});

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('parseWith on unknown keys', () => {
  it('names the path and suggests the nearest known key', () => {
    const e = errorOf(() => parseWith(Config, { venue: { comission: 0.002 } }, 'config'));
    expect(e.message).toBe('config.venue.comission: unknown option; did you mean "commission"?');
    expect(e.field).toBe('config.venue.comission');
    expect(e.issues).toEqual([{ path: ['config', 'venue', 'comission'], message: 'unknown option; did you mean "commission"?' }]);
  });

  it('says only "unknown option" when no known key is close', () => {
    const e = errorOf(() => parseWith(Config, { colour: 'red' }, 'config'));
    expect(e.message).toBe('config.colour: unknown option');
  });

  it('reports one issue per unknown key, inside arrays with their index', () => {
    const e = errorOf(() => parseWith(Config, { venues: [{}, { comission: 1, slipageBps: 2 }] }, 'config'));
    expect(e.issues.map((i) => i.path)).toEqual([
      ['config', 'venues', 1, 'comission'],
      ['config', 'venues', 1, 'slipageBps'],
    ]);
    expect(e.message).toBe(
      'config.venues[1].comission: unknown option; did you mean "commission"?; config.venues[1].slipageBps: unknown option; did you mean "slippageBps"?',
    );
  });

  it('reports the typo inside a union option instead of "invalid input"', () => {
    const e = errorOf(() => parseWith(Config, { fees: { model: 'makerTaker', maker: 0.1, taker: 0.2, makr: 0.1 } }, 'config'));
    expect(e.message).toBe('config.fees.makr: unknown option; did you mean "maker"?');
  });

  it('looks through optional, default, nullable, pipe and lazy wrappers for the known keys', () => {
    const inner = z.strictObject({ period: z.number().optional() });
    const wrapped = z.strictObject({
      a: inner.nullable().optional(),
      b: z.lazy(() => inner),
      c: inner.transform((x) => x.period ?? 0),
      d: z.record(z.string(), inner).default({}),
    });
    const e = errorOf(() => parseWith(wrapped, { a: { perod: 1 }, b: { perid: 1 }, c: { periood: 1 }, d: { x: { priod: 1 } } }));
    expect(e.issues).toEqual([
      { path: ['a', 'perod'], message: 'unknown option; did you mean "period"?' },
      { path: ['b', 'perid'], message: 'unknown option; did you mean "period"?' },
      { path: ['c', 'periood'], message: 'unknown option; did you mean "period"?' },
      { path: ['d', 'x', 'priod'], message: 'unknown option; did you mean "period"?' },
    ]);
  });

  it('keeps other issues as they were', () => {
    const e = errorOf(() => parseWith(Config, { venue: { commission: 'x' } }, 'config'));
    expect(e.field).toBe('config.venue.commission');
  });
});

describe('unknownOptionMessage', () => {
  it('suggests within a Damerau-Levenshtein distance of max(2, length / 3)', () => {
    expect(unknownOptionMessage('comission', ['commission', 'slippage'])).toBe('unknown option; did you mean "commission"?');
    expect(unknownOptionMessage('slipagge', ['commission', 'slippage'])).toBe('unknown option; did you mean "slippage"?');
    expect(unknownOptionMessage('Period', ['period'])).toBe('unknown option; did you mean "period"?');
    expect(unknownOptionMessage('bounds', ['weightBounds', 'minWeight'])).toBe('unknown option');
    expect(unknownOptionMessage('fee', ['bps'])).toBe('unknown option');
    expect(unknownOptionMessage('slippage', ['slippageModel', 'latency'])).toBe('unknown option; did you mean "slippageModel"?');
    expect(unknownOptionMessage('fee', ['feeModel'])).toBe('unknown option');
  });
});

describe('looseObjectPaths', () => {
  it('is empty for a schema strict at every depth', () => {
    expect(looseObjectPaths(Config)).toEqual([]);
  });

  it('lists every object node that lets unknown keys through', () => {
    const loose = z.strictObject({
      venue: z.object({ fee: z.number() }).optional(),
      list: z.array(z.looseObject({ a: z.number() })),
      either: z.union([z.strictObject({ k: z.literal(1) }), z.object({ k: z.literal(2) }).passthrough()]),
      rest: z.strictObject({}).catchall(z.unknown()),
    });
    expect(looseObjectPaths(loose)).toEqual(['venue', 'list[]', 'either', 'rest']);
    expect(looseObjectPaths(z.object({}))).toEqual(['(root)']);
  });
});

describe('preParsedConfig', () => {
  const Schema = z.strictObject({ size: z.number().int().min(1), mode: z.enum(['a', 'b']).default('a') });

  it('hands a marked config back as it is, once: the next parse of the same object parses it', () => {
    const config = preParsedConfig({ size: 2, mode: 'b' as const });
    expect(parseWith(Schema, config, 'config')).toBe(config);
    const again = parseWith(Schema, config, 'config');
    expect(again).toEqual(config);
    expect(again).not.toBe(config);
  });

  it('fails a mark that parsing would change or refuse, when the check is on (as in every test)', () => {
    expect(process.env.RXTRADE_CHECK_PREPARSED).toBe('1');
    expect(() => parseWith(Schema, preParsedConfig({ size: 2 }), 'config')).toThrow('config was marked as parsed but parsing changes it at config.mode');
    expect(() => parseWith(Schema, preParsedConfig({ size: 0, mode: 'a' }), 'config')).toThrow('config was marked as parsed but does not pass its schema');
    expect(() => parseWith(Schema, preParsedConfig({ size: 2, mode: 'a', extra: 1 }), 'config')).toThrow('does not pass its schema');
  });
});
