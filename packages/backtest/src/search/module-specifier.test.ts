import { describe, expect, it } from 'vitest';
import { ValidationError, parseWith } from '@rxtrade/core';
import { ModuleSpecifierSchema, moduleUrl } from './module-specifier';
import { WorkerThreadExecutor } from './worker-thread-executor';

describe('module specifiers', () => {
  it.each([
    '/srv/research/sma.js',
    'C:\\research\\sma.js',
    'file:///srv/research/sma.js',
    'sma-strategies',
    'decimal.js',
    '@acme/strategies',
    '@acme/strategies/sma',
    'acme-strategies/dist/sma.js',
  ])('accepts %s', (specifier) => {
    expect(parseWith(ModuleSpecifierSchema, specifier, 'm')).toBe(specifier);
  });

  it.each([
    ['./sma.js', /relative path/],
    ['../sma.js', /relative path/],
    ['.\\sma.js', /relative path/],
    ['sma.ts', /relative path/],
    ['strategies\\sma.js', /relative path/],
    ['http://example.com/sma.js', /http: URL/],
    ['https://example.com/sma.js', /https: URL/],
    ['data:text/javascript,export default 1', /data: URL/],
    ['node:fs', /node: URL/],
    ['#internal/sma', /package name/],
    ['@acme', /package name/],
    ['Sma Strategies', /package name/],
    ['', /absolute path/],
  ])('rejects %s, naming the field', (specifier, message) => {
    const error = (() => {
      try {
        parseWith(ModuleSpecifierSchema, specifier, 'strategy.module');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('strategy.module');
    expect((error as Error).message).toMatch(message);
  });

  it('turns paths into file URLs and leaves packages alone', () => {
    expect(moduleUrl('/srv/research/sma.ts')).toBe('file:///srv/research/sma.ts');
    expect(moduleUrl('file:///srv/a.js')).toBe('file:///srv/a.js');
    expect(moduleUrl('@acme/strategies')).toBe('@acme/strategies');
    expect(() => moduleUrl('./sma.ts')).toThrow(ValidationError);
  });

  it('checks an executor evaluator module too', () => {
    expect(() => new WorkerThreadExecutor({ evaluator: { module: './evaluator.js' } })).toThrow(/executor\.evaluator\.module/);
  });
});
