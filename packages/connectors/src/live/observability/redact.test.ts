import { describe, expect, it } from 'vitest';
import { isSecretKey, redactSecrets, sanitizeForLog } from './redact';

describe('isSecretKey', () => {
  it('recognizes secret names in any casing and separator style', () => {
    for (const name of ['apiKey', 'API_KEY', 'api-key', 'X-MBX-APIKEY', 'x-api-key', 'ApiSecret', 'client_secret', 'PASSWORD', 'Passwd', 'passphrase', 'accessToken', 'refresh_token', 'Authorization', 'proxy-authorization', 'signature', 'sig', 'Cookie', 'set-cookie', 'privateKey', 'credentials', 'key', 'pwd', 'sessionId', 'OK-ACCESS-KEY', 'OK-ACCESS-PASSPHRASE', 'KC-API-SIGN']) {
      expect([name, isSecretKey(name)]).toEqual([name, true]);
    }
  });
  it('leaves ordinary names alone', () => {
    for (const name of ['instrumentId', 'venue', 'price', 'quantity', 'keyId', 'publicKey', 'host', 'status', 'monkey', 'signal', 'author']) {
      expect([name, isSecretKey(name)]).toEqual([name, false]);
    }
  });
});

describe('redactSecrets', () => {
  it.each([
    ['redis://app:hunter2@cache:6379/0', 'redis://[REDACTED]@cache:6379/0'],
    ['redis://:p@ss@cache:6379', 'redis://[REDACTED]@cache:6379'],
    ['https://KEY123:SECRET456@api.example.com/v1?x=1', 'https://[REDACTED]@api.example.com/v1?x=1'],
    ['GET /api/v3/order?symbol=BTCUSDT&timestamp=1700000000000&signature=3f9a0b1c', 'GET /api/v3/order?symbol=BTCUSDT&timestamp=1700000000000&signature=[REDACTED]'],
    ['/sapi?sig=abc&apiKey=K1&api_key=K2&token=T&recvWindow=5000', '/sapi?sig=[REDACTED]&apiKey=[REDACTED]&api_key=[REDACTED]&token=[REDACTED]&recvWindow=5000'],
    ['X-MBX-APIKEY: vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A', 'X-MBX-APIKEY: [REDACTED]'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', 'Authorization: [REDACTED] [REDACTED]'],
    ['sent with bearer abc.def-123', 'sent with bearer [REDACTED]'],
    ['Authorization: Basic dXNlcjpwYXNz', 'Authorization: [REDACTED] [REDACTED]'],
    ['body {"apiKey":"K9","password": "p\\"w","symbol":"ETH"}', 'body {"apiKey":"[REDACTED]","password": "[REDACTED]","symbol":"ETH"}'],
    ["password='hunter 2' user=bob", "password='[REDACTED]' user=bob"],
    ['https://api.telegram.org/bot123456789:AAHk-secretPart_xyz/sendMessage', 'https://api.telegram.org/bot[REDACTED]/sendMessage'],
    ['https://hooks.slack.com/services/T000/B000/XXXXXXXX failed', 'https://hooks.slack.com/services/[REDACTED] failed'],
    ['https://discord.com/api/webhooks/1234567890/tok-en_123?wait=true', 'https://discord.com/api/webhooks/1234567890/[REDACTED]?wait=true'],
    ['-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY----- tail', '[REDACTED] tail'],
    ['order 42 filled at 101.5 on BINANCE', 'order 42 filled at 101.5 on BINANCE'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('removes known secrets wherever they are, encoded too, and ignores very short ones', () => {
    expect(redactSecrets('login as s3cr/et!x failed (s3cr%2Fet!x)', ['s3cr/et!x'])).toBe('login as [REDACTED] failed ([REDACTED])');
    expect(redactSecrets('abc', ['abc'])).toBe('abc');
  });
});

describe('sanitizeForLog', () => {
  it('censors secret-named keys at any depth and scrubs strings, errors and causes', () => {
    const cause = new Error('upstream said apiKey=cause-key-1');
    const err = Object.assign(new Error('login to https://u:err-pw-2@h failed', { cause }), { code: 'E_AUTH', config: { headers: { Authorization: 'Bearer err-tok-3' } } });
    const out = sanitizeForLog({ a: [{ Password: 'pw-4' }, 'x?signature=sig-5'], err, n: 1n, m: new Map([['token', 'tok-6']]) }) as Record<string, unknown>;
    const text = JSON.stringify(out);
    for (const secret of ['cause-key-1', 'err-pw-2', 'err-tok-3', 'pw-4', 'sig-5', 'tok-6']) expect(text).not.toContain(secret);
    expect(out['n']).toBe('1');
    const e = out['err'] as Record<string, unknown>;
    expect(e['type']).toBe('Error');
    expect(e['code']).toBe('E_AUTH');
    expect(e['message']).toBe('login to https://[REDACTED]@h failed');
    expect((e['cause'] as Record<string, unknown>)['message']).toBe('upstream said apiKey=[REDACTED]');
  });

  it('handles cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    expect(sanitizeForLog(a)).toEqual({ name: 'a', self: '[Circular]' });
  });
});
