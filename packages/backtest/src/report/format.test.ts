import { describe, expect, it } from 'vitest';
import { formatFigure, formatTime, humanize } from './format';

describe('formatFigure', () => {
  it('formats percentages, ratios, money and integers for reading', () => {
    expect(formatFigure(0.12345, 'percent')).toBe('12.35%');
    expect(formatFigure(-0.5565, 'percent')).toBe('-55.65%');
    expect(formatFigure(0.958237, 'ratio')).toBe('0.958');
    expect(formatFigure('176251.036', 'money')).toBe('176,251.04');
    expect(formatFigure(1047, 'integer')).toBe('1,047');
    expect(formatFigure(3 * 86_400_000, 'duration')).toBe('3 days');
  });

  it('shows missing and non-finite figures as a dash or infinity sign', () => {
    expect(formatFigure(undefined, 'ratio')).toBe('—');
    expect(formatFigure(NaN, 'ratio')).toBe('—');
    expect(formatFigure(Infinity, 'ratio')).toBe('∞');
  });
});

describe('formatTime', () => {
  it('shows dates without a time at midnight UTC and with one otherwise', () => {
    expect(formatTime(Date.UTC(2004, 10, 29))).toBe('2004-11-29');
    expect(formatTime(Date.UTC(2004, 10, 29, 14, 30))).toBe('2004-11-29 14:30');
  });
});

describe('humanize', () => {
  it('turns camelCase keys into sentence-case labels', () => {
    expect(humanize('maxDrawdownDuration')).toBe('Max drawdown duration');
  });
});
