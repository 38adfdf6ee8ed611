import { describe, expect, it } from 'vitest';
import { pinoLogger } from './pino-logger';

function capture(): { destination: { write(s: string): void }; text(): string; lines(): Record<string, unknown>[] } {
  const chunks: string[] = [];
  return {
    destination: { write: (s: string) => void chunks.push(s) },
    text: () => chunks.join(''),
    lines: () => chunks.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

// Every secret is distinct, so a leak names the path that leaked it.
const S = {
  apiKey: 'S01-apikey-7a1c', apiKeyUpper: 'S02-APIKEY-7a1c', apiSecret: 'S03-apisecret-7a1c', clientSecret: 'S04-client-7a1c',
  password: 'S05-password-7a1c', passwd: 'S06-passwd-7a1c', passphrase: 'S07-phrase-7a1c', accessToken: 'S08-access-7a1c',
  refreshToken: 'S09-refresh-7a1c', authorization: 'S10-authz-7a1c', mbx: 'S11-mbx-7a1c', xApiKey: 'S12-xapikey-7a1c',
  signature: 'S13-signature-7a1c', sig: 'S14-sig-7a1c', cookie: 'S15-cookie-7a1c', privateKey: 'S16-private-7a1c',
  nested: 'S17-nested-7a1c', arrayPw: 'S18-arraypw-7a1c', redisPw: 'S19-redispw-7a1c', urlKey: 'S20-urlkey-7a1c',
  urlSecret: 'S21-urlsecret-7a1c', qsSig: 'S22-qssig-7a1c', qsKey: 'S23-qskey-7a1c', bearer: 'S24-bearer-7a1c',
  headerMbx: 'S25-headermbx-7a1c', errMsg: 'S26-errmsg-7a1c', causeMsg: 'S27-cause-7a1c', errProp: 'S28-errprop-7a1c',
  known: 'S29-known-7a1c', message: 'S30-message-7a1c', base: 'S31-base-7a1c', child: 'S32-child-7a1c',
  mapToken: 'S33-maptoken-7a1c', headersObj: 'S34-headersobj-7a1c', tg: '123456789:AAS35-telegram_token_value_xyz', json: 'S36-json-7a1c',
  aggregate: 'S37-aggregate-7a1c', custom: 'S38-custompath-7a1c', credentialsObj: 'S39-credentials-7a1c', basic: 'UzQwLWJhc2ljLTdhMWM=',
} as const;

describe('pinoLogger', () => {
  it('writes JSON lines with level, time, nodeId, base fields, message and fields', () => {
    const out = capture();
    const logger = pinoLogger({ nodeId: 'btc-1', base: { app: 'bot' }, destination: out.destination, now: () => 1_700_000_000_123, level: 'debug' });
    logger.debug('starting', { venue: 'BINANCE', n: 3 });
    logger.child({ component: 'feed' }).warn('stale', { feed: 'bars:BTCUSDT.BINANCE' });
    expect(out.lines()).toEqual([
      { level: 'debug', time: 1_700_000_000_123, app: 'bot', nodeId: 'btc-1', venue: 'BINANCE', n: 3, msg: 'starting' },
      { level: 'warn', time: 1_700_000_000_123, app: 'bot', nodeId: 'btc-1', component: 'feed', feed: 'bars:BTCUSDT.BINANCE', msg: 'stale' },
    ]);
  });

  it('drops messages below its level', () => {
    const out = capture();
    const logger = pinoLogger({ nodeId: 'n', level: 'warn', destination: out.destination });
    logger.debug('a');
    logger.info('b');
    logger.warn('c');
    logger.error('d');
    expect(out.lines().map((l) => [l['level'], l['msg']])).toEqual([['warn', 'c'], ['error', 'd']]);
    expect(logger.level).toBe('warn');
  });

  it('never writes a secret, whatever the path it takes', () => {
    const out = capture();
    const logger = pinoLogger({
      nodeId: 'btc-1',
      level: 'debug',
      destination: out.destination,
      knownSecrets: [S.known],
      redactPaths: ['order.account'],
      base: { dsn: `redis://user:${S.base}@cache:6379` },
    });
    logger.info('config loaded', {
      apiKey: S.apiKey,
      API_KEY: S.apiKeyUpper,
      ApiSecret: S.apiSecret,
      client_secret: S.clientSecret,
      PASSWORD: S.password,
      Passwd: S.passwd,
      passphrase: S.passphrase,
      accessToken: S.accessToken,
      'refresh-token': S.refreshToken,
      Authorization: S.authorization,
      'X-MBX-APIKEY': S.mbx,
      'x-api-key': S.xApiKey,
      signature: S.signature,
      sig: S.sig,
      Cookie: S.cookie,
      privateKey: S.privateKey,
      credentials: { user: 'bob', secretThing: S.credentialsObj },
      exchange: { binance: { auth: { key: S.nested } } },
      accounts: [{ name: 'main', password: S.arrayPw }],
      order: { account: S.custom, symbol: 'BTCUSDT' },
    });
    logger.warn('connecting', {
      redis: `redis://app:${S.redisPw}@cache:6379/0`,
      endpoint: `https://${S.urlKey}:${S.urlSecret}@api.example.com/v1`,
      request: `GET https://api.binance.com/api/v3/order?symbol=BTCUSDT&timestamp=1700000000000&signature=${S.qsSig}`,
      form: `apiKey=${S.qsKey}&symbol=ETHUSDT`,
      headerLine: `Authorization: Bearer ${S.bearer}`,
      basic: `Authorization: Basic ${S.basic}`,
      rawHeaders: `X-MBX-APIKEY: ${S.headerMbx}\r\nContent-Type: application/json`,
      headers: new Headers({ 'x-mbx-apikey': S.headersObj, accept: 'application/json' }),
      tokens: new Map([['session', { token: S.mapToken }]]),
      telegram: `https://api.telegram.org/bot${S.tg}/sendMessage`,
      body: `{"symbol":"BTCUSDT","secret":"${S.json}"}`,
    });
    const cause = new Error(`upstream rejected apiKey=${S.causeMsg}`);
    const err = Object.assign(new Error(`login https://u:${S.errMsg}@h failed`, { cause }), { config: { headers: { Authorization: `Bearer ${S.errProp}` } } });
    logger.error('order failed', { err, attempt: 2, errors: [new AggregateError([new Error(`token=${S.aggregate}`)], 'several')] });
    logger.error(`free text with ${S.known} and password=${S.message}`);
    logger.child({ apiSecret: S.child, component: 'venue' }).info('child');

    const text = out.text();
    for (const [path, secret] of Object.entries(S)) expect([path, text.includes(secret)]).toEqual([path, false]);
    // A secret's parts alone are gone too (the Telegram token's bot id is kept, its secret half is not).
    expect(text).not.toContain('AAS35');

    // What is not secret stays readable.
    const lines = out.lines();
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => l['nodeId'] === 'btc-1')).toBe(true);
    const [first, second, third, fourth] = lines as [Record<string, any>, Record<string, any>, Record<string, any>, Record<string, any>];
    expect(first['order']).toEqual({ account: '[REDACTED]', symbol: 'BTCUSDT' });
    expect(first['credentials']).toBe('[REDACTED]');
    expect(first['accounts']).toEqual([{ name: 'main', password: '[REDACTED]' }]);
    expect(second['request']).toBe('GET https://api.binance.com/api/v3/order?symbol=BTCUSDT&timestamp=1700000000000&signature=[REDACTED]');
    expect(second['redis']).toBe('redis://[REDACTED]@cache:6379/0');
    expect(second['headers']).toEqual({ 'x-mbx-apikey': '[REDACTED]', accept: 'application/json' });
    expect(third['err']['message']).toBe('login https://[REDACTED]@h failed');
    expect(third['err']['stack']).toContain('login https://[REDACTED]@h failed');
    expect(third['err']['cause']['message']).toBe('upstream rejected apiKey=[REDACTED]');
    expect(third['attempt']).toBe(2);
    expect(fourth['msg']).toBe('free text with [REDACTED] and password=[REDACTED]');
  });

  it('rejects unknown options, naming them', () => {
    expect(() => pinoLogger({ nodeId: 'n', levle: 'info' } as never)).toThrow(/levle: unknown option; did you mean "level"/);
    expect(() => pinoLogger({ nodeId: '' })).toThrow(/nodeId/);
  });
});
