/**
 * CDP API keys as Coinbase Advanced Trade uses them: an EC P-256 key pair whose private key (PEM) signs
 * a short-lived JWT with ES256 for each request (REST) or subscription (WebSocket). The fake holds the
 * public key and checks what Coinbase documents ("Coinbase App API key authentication", "Advanced
 * Trade WebSocket authentication"): header `alg` ES256 and `kid` the key name; claims `sub` the key
 * name, `iss` `cdp` (ccxt still sends the older `coinbase-cloud`), `nbf`/`exp` around the server clock
 * (at most 120 s of life), and for REST a `uri` claim `METHOD host/path` equal to the request's.
 */
import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';

/** A CDP API key: its name (ccxt's `apiKey`) and the PEM of its private key (ccxt's `secret`). */
export interface CdpKey {
  /** `organizations/{org_id}/apiKeys/{key_id}`. */
  readonly name: string;
  /** `-----BEGIN EC PRIVATE KEY-----...`, SEC1 PEM as the CDP key file holds it. */
  readonly privateKeyPem: string;
  readonly publicKey: KeyObject;
}

/**
 * A fresh CDP key (EC P-256) for a test.
 *
 * @example
 * ```ts
 * const key = cdpKey('organizations/org-1/apiKeys/key-1');
 * new ccxt.coinbase({ apiKey: key.name, secret: key.privateKeyPem });
 * ```
 */
export function cdpKey(name = 'organizations/7f1a0c42-fake-org/apiKeys/5b6e2d10-fake-key'): CdpKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { name, privateKeyPem: privateKey.export({ type: 'sec1', format: 'pem' }).toString(), publicKey };
}

/** The public key of a PEM private key (for a test that brings its own key file). */
export function publicKeyOf(privateKeyPem: string): KeyObject {
  return createPublicKey(privateKeyPem);
}

/** Why a JWT was refused (the fake answers 401 either way; the reason is for assertions). */
export class JwtError extends Error {
  override readonly name = 'JwtError';
}

const b64urlJson = (part: string, what: string): Record<string, unknown> => {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new JwtError(`the JWT ${what} is not base64url JSON`);
  }
};

/**
 * Verifies a CDP JWT: signature (ES256 over `header.payload`, raw r||s), key id, subject, issuer,
 * not-before and expiry against `nowS` (with 5 s of skew), and when `uri` is given, the `uri` claim.
 * Returns the claims; throws `JwtError` naming what failed.
 */
export function verifyCdpJwt(token: string, key: { name: string; publicKey: KeyObject }, nowS: number, uri?: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('not a JWT (three dot-separated parts)');
  const [h, p, s] = parts as [string, string, string];
  const header = b64urlJson(h, 'header');
  const claims = b64urlJson(p, 'payload');
  if (header['alg'] !== 'ES256') throw new JwtError(`alg must be ES256, got ${String(header['alg'])}`);
  if (header['kid'] !== key.name) throw new JwtError('kid is not the key name');
  if (typeof header['nonce'] !== 'string' || header['nonce'] === '') throw new JwtError('the header has no nonce');
  const signature = Buffer.from(s, 'base64url');
  if (signature.length !== 64) throw new JwtError('an ES256 signature is 64 bytes (r||s)');
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw new JwtError('signature does not verify with the key');
  if (claims['sub'] !== key.name) throw new JwtError('sub is not the key name');
  if (claims['iss'] !== 'cdp' && claims['iss'] !== 'coinbase-cloud') throw new JwtError('iss must be cdp');
  const nbf = claims['nbf'];
  const exp = claims['exp'];
  if (typeof nbf !== 'number' || typeof exp !== 'number') throw new JwtError('nbf and exp must be numbers');
  if (nbf > nowS + 5) throw new JwtError('the JWT is not valid yet (nbf)');
  if (exp <= nowS - 5) throw new JwtError('the JWT expired (exp)');
  if (exp - nbf > 120) throw new JwtError('a JWT lives 120 s at most');
  if (uri !== undefined) {
    const claim = claims['uri'];
    if (typeof claim !== 'string') throw new JwtError('the REST JWT has no uri claim');
    // ccxt builds the claim from the request URL, stripping only `https://`; over the fake's plain
    // http the scheme stays in it, so the fake strips `http://` before comparing `METHOD host/path`.
    if (claim.replace(/^(\S+) http:\/\//, '$1 ') !== uri) throw new JwtError(`uri claim ${claim} does not match the request ${uri}`);
  }
  return claims;
}
