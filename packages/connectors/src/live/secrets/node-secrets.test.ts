import { describe, expect, it } from 'vitest';
import { redactSecrets, redactingLogger, scrubError } from '../observability/redact';
import { credentialsOf, headerSecrets, nodeSecrets, scrubbingClient, urlSecrets } from './node-secrets';

describe('the secrets of a node config', () => {
  it('takes adapter credentials, webhook URL tokens, header credentials, the dashboard token and a database password', () => {
    const basic = Buffer.from('ops:B4sicPass').toString('base64');
    const secrets = nodeSecrets({
      venues: [{ credentials: { apiKey: 'k-1234567', secret: 's-abcdefg', nested: { passphrase: 'p-9876543' }, sandbox: true, id: 'X' } }, { id: 'plain' }],
      dataClients: [{ credentials: { token: 'data-tok-1' } }],
      journal: { postgres: { connectionString: 'postgres://journal:PgPass42@db:5432/rx' } },
      observability: {
        logger: { knownSecrets: ['extra-secret'] },
        alerts: {
          targets: [
            { url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX' },
            { url: 'https://api.telegram.org/bot123456:AAHsecretpart/sendMessage' },
            { url: 'https://ops.example.com/hooks', headers: { authorization: `Basic ${basic}`, 'x-api-key': 'hdr-key-123' } },
          ],
        },
        dashboard: { token: 'dash-token-0123456789' },
      },
    });
    for (const s of ['k-1234567', 's-abcdefg', 'p-9876543', 'data-tok-1', 'PgPass42', 'extra-secret', 'XXXXXXXXXXXXXXXXXXXXXXXX', '123456:AAHsecretpart', 'AAHsecretpart', basic, 'B4sicPass', 'hdr-key-123', 'dash-token-0123456789'])
      expect(secrets, s).toContain(s);
    // Words of a URL that are not tokens stay readable.
    expect(secrets).not.toContain('services');
    expect(secrets).not.toContain('sendMessage');
    expect(secrets).not.toContain('X');
    expect([...secrets].sort((a, b) => b.length - a.length)).toEqual(secrets);
  });

  it('reads credentials defensively and splits URLs and headers', () => {
    expect(credentialsOf(undefined)).toEqual([]);
    expect(credentialsOf({ get credentials() { throw new Error('no'); } })).toEqual([]);
    expect(credentialsOf({ credentials: { apiKey: 'k-123456', short: 'ab' } })).toEqual(['k-123456']);
    expect(urlSecrets('not a url at all')).toEqual(['not a url at all']);
    expect(urlSecrets('redis://app:s3cr3t-pw@cache:6379')).toEqual(expect.arrayContaining(['s3cr3t-pw', 'app:s3cr3t-pw']));
    expect(headerSecrets('Bearer abc123def456')).toEqual(['Bearer abc123def456', 'abc123def456']);
  });
});

describe('scrubError', () => {
  it('scrubs message, stack, properties and the cause chain in place, keeping the class', () => {
    class VenueError extends Error {}
    const cause = new Error('signed with k-1234567');
    const err = Object.assign(new VenueError('GET /api/v3/account?timestamp=1&signature=9f8e7d6c failed', { cause }), {
      apiKey: 'k-1234567',
      request: { url: 'https://u:pw-123456@host/x', headers: { Authorization: 'Bearer t0k3n' } },
      note: 'key k-1234567',
    });
    expect(scrubError(err, ['k-1234567'])).toBe(err);
    expect(err).toBeInstanceOf(VenueError);
    expect(err.message).toBe('GET /api/v3/account?timestamp=1&signature=[REDACTED] failed');
    expect(err.stack).not.toMatch(/9f8e7d6c/);
    expect(err.apiKey).toBe('[REDACTED]');
    expect(err.note).toBe('key [REDACTED]');
    expect(err.request).toEqual({ url: 'https://[REDACTED]@host/x', headers: { Authorization: '[REDACTED]' } });
    expect(cause.message).toBe('signed with [REDACTED]');
    expect(scrubError('a string', ['a string'])).toBe('a string');
  });

  it('removes known secrets in every encoding', () => {
    const secret = 'k-1234567';
    const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex'), Buffer.from(secret).toString('hex').toUpperCase()];
    for (const f of forms) expect(redactSecrets(`x ${f} y`, [secret])).toBe('x [REDACTED] y');
  });
});

describe('redactingLogger and scrubbingClient', () => {
  it('scrub what passes through them', async () => {
    const lines: string[] = [];
    const base = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string, f?: Record<string, unknown>) => void lines.push(`${m} ${JSON.stringify(f)}`) };
    redactingLogger(base, ['k-1234567']).error('failed: k-1234567 &signature=abcdef', { apiKey: 'x', note: 'k-1234567' });
    expect(lines).toEqual(['failed: [REDACTED] &signature=[REDACTED] {"apiKey":"[REDACTED]","note":"[REDACTED]"}']);

    class Venue {
      readonly id = 'V';
      #secret = 'k-1234567';
      submit(): void {
        throw new Error(`bad key ${this.#secret}`);
      }
      async query(): Promise<string> {
        return Promise.reject(new Error(`bad key ${this.#secret}`));
      }
      ok(): string {
        return this.id;
      }
    }
    const venue = scrubbingClient(new Venue(), ['k-1234567']);
    expect(venue.id).toBe('V');
    expect(venue.ok()).toBe('V');
    expect(() => venue.submit()).toThrow('bad key [REDACTED]');
    await expect(venue.query()).rejects.toThrow('bad key [REDACTED]');
  });
});
