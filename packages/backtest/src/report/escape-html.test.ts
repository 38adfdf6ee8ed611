import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from './escape-html';

describe('escapeHtml', () => {
  it('escapes the five characters that can change the meaning of markup', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;');
  });

  it('writes non-string values as their string form', () => {
    expect(escapeHtml(12.5)).toBe('12.5');
  });
});

describe('jsonForScript', () => {
  it('cannot close the script element it is embedded in, and parses back to the same value', () => {
    const value = { name: '</script><script>alert(1)</script>', comment: '<!-- x -->', amp: 'a&b', sep: 'a\u2028b' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/<|>|&|\u2028/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
