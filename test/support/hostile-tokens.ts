import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { TEST_CRON_JWT_SECRET, TEST_JWT_SECRET } from './test-application.js';

/**
 * Tokens an attacker would try (RFC 8725's list and more), and arbitraries of Authorization
 * headers with the status SPEC §8 demands for each, written from the SPEC alone: a token is
 * valid only when HS256-signed with its route's secret and its claims are what §8 says.
 */

export const base64url = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** `header.payload.signature`, signed with HMAC whatever the header claims: payloads of any JSON shape. */
export function signToken(header: unknown, payload: unknown, secret: string, hash: 'sha256' | 'sha512' = 'sha256'): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

/** A token of exactly these two segments as sent, HS256-signed with `secret`. */
function signedRaw(header: string, payload: string, secret: string): string {
  return `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
}

/** Standard base64 (not base64url) of a JSON value, made to end in "=" padding. */
function paddedBase64(value: unknown): string {
  let json = JSON.stringify(value);
  while (json.length % 3 === 0) json += ' ';
  return Buffer.from(json).toString('base64');
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface ProtectedRoute {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly secret: string;
  readonly otherSecret: string;
  readonly type: 'admin' | 'cron';
  readonly otherType: 'admin' | 'cron';
  /** Claims of a valid token for this route. */
  validClaims(now: number): Record<string, unknown>;
}

export const ADMIN_ROUTE: ProtectedRoute = {
  name: 'GET /prospects/client-analytics (token_admin)',
  method: 'GET',
  url: '/prospects/client-analytics',
  secret: TEST_JWT_SECRET,
  otherSecret: TEST_CRON_JWT_SECRET,
  type: 'admin',
  otherType: 'cron',
  validClaims: (now) => ({ sub: 'admin', type: 'admin', permissions: ['crm-menu'], iat: now, exp: now + 600 }),
};

export const CRON_ROUTE: ProtectedRoute = {
  name: 'POST /crm/analytics/sync (token_cron)',
  method: 'POST',
  url: '/crm/analytics/sync',
  secret: TEST_CRON_JWT_SECRET,
  otherSecret: TEST_JWT_SECRET,
  type: 'cron',
  otherType: 'admin',
  validClaims: (now) => ({ sub: 'cron', type: 'cron', iat: now }),
};

const HS256 = { alg: 'HS256', typ: 'JWT' };

/** [what it is, the Authorization header]: every one must be a 401 on `route`. */
export function hostileTokens(route: ProtectedRoute): [string, string][] {
  const now = nowSeconds();
  const claims = route.validClaims(now);
  const valid = signToken(HS256, claims, route.secret);
  const [validHeader, validPayload, validSignature] = valid.split('.') as [string, string, string];
  const bearer = (token: string) => `Bearer ${token}`;
  const unsigned = (alg: string) => `${base64url({ alg, typ: 'JWT' })}.${base64url(claims)}.`;
  const cases: [string, string][] = [
    ['alg "none", no signature', bearer(unsigned('none'))],
    ['alg "None", no signature', bearer(unsigned('None'))],
    ['alg "NONE" with the valid signature', bearer(`${base64url({ alg: 'NONE', typ: 'JWT' })}.${validPayload}.${validSignature}`)],
    ['alg "none" header on a valid token', bearer(`${base64url({ alg: 'none' })}.${validPayload}.${validSignature}`)],
    ['HS256 signed with the other secret', bearer(signToken(HS256, claims, route.otherSecret))],
    ['HS256 signed with an empty secret', bearer(signToken(HS256, claims, ''))],
    ['HS512 signed with the right secret', bearer(signToken({ alg: 'HS512', typ: 'JWT' }, claims, route.secret, 'sha512'))],
    ['RS256 header, HMAC-signed with the right secret (algorithm confusion)', bearer(signToken({ alg: 'RS256', typ: 'JWT' }, claims, route.secret))],
    ['a kid and jku pointing elsewhere, signed with another key', bearer(signToken({ ...HS256, kid: 'attacker', jku: 'https://attacker.example/keys' }, claims, 'attacker-key'))],
    ['right signature, wrong type', bearer(signToken(HS256, { ...claims, type: route.otherType }, route.secret))],
    ['right signature, no type', bearer(signToken(HS256, { ...claims, type: undefined }, route.secret))],
    ['right signature, type as an array', bearer(signToken(HS256, { ...claims, type: [route.type] }, route.secret))],
    ['right signature, no sub', bearer(signToken(HS256, { ...claims, sub: undefined }, route.secret))],
    ['right signature, a future nbf', bearer(signToken(HS256, { ...claims, nbf: now + 3600 }, route.secret))],
    ['right signature, nbf as text', bearer(signToken(HS256, { ...claims, nbf: 'yesterday' }, route.secret))],
    ['right signature, expired', bearer(signToken(HS256, { ...claims, iat: now - 7200, exp: now - 3600 }, route.secret))],
    ['right signature, exp as text', bearer(signToken(HS256, { ...claims, exp: String(now + 600) }, route.secret))],
    ['right signature, an array payload', bearer(signToken(HS256, [claims], route.secret))],
    ['right signature, a null payload', bearer(signToken(HS256, null, route.secret))],
    ['right signature, a number payload', bearer(signToken(HS256, 42, route.secret))],
    ['right signature, a string payload', bearer(signToken(HS256, route.type, route.secret))],
    ['right signature, the claims under "__proto__"', bearer(signedRaw(validHeader, base64url(`{"__proto__":${JSON.stringify(claims)}}`), route.secret))],
    ['a header that is not JSON', bearer(`${base64url('not json')}.${validPayload}.${validSignature}`)],
    ['a header that is a JSON array', bearer(`${base64url(['HS256'])}.${validPayload}.${validSignature}`)],
    ['the payload tampered with (type swapped), signature kept', bearer(`${validHeader}.${base64url({ ...claims, sub: 'someone-else' })}.${validSignature}`)],
    ['non-base64url characters in the header', bearer(`${validHeader}$.${validPayload}.${validSignature}`)],
    ['non-base64url characters in the payload', bearer(`${validHeader}.${validPayload.slice(0, 5)}%2F${validPayload.slice(5)}.${validSignature}`)],
    ['non-base64url characters in the signature', bearer(`${validHeader}.${validPayload}.${validSignature.slice(0, 10)}!*${validSignature.slice(12)}`)],
    ['segments of pure punctuation', bearer('!!!.@@@.###')],
    ['standard base64 with "=" padding in the payload, signed with the right secret', bearer(signedRaw(validHeader, paddedBase64(claims), route.secret))],
    ['two segments', bearer(`${validHeader}.${validPayload}`)],
    ['four segments', bearer(`${valid}.${validSignature}`)],
    ['three empty segments', bearer('..')],
    ['an empty bearer token', 'Bearer '],
    ['the scheme alone', 'Bearer'],
    ['a Basic scheme', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ['the token without a scheme', valid],
    ['the valid token under another scheme', `Token ${valid}`],
    ['a 16 KiB token signed with the other secret', bearer(signToken(HS256, { ...claims, pad: 'x'.repeat(12_400) }, route.otherSecret))],
    ['16 KiB of garbage', bearer('x'.repeat(16 * 1024))],
  ];
  if (route.type === 'admin') {
    cases.push(['right signature, no exp (admin tokens must expire)', bearer(signToken(HS256, { ...claims, exp: undefined }, route.secret))]);
    cases.push(['right signature, permissions as text', bearer(signToken(HS256, { ...claims, permissions: 'crm-menu' }, route.secret))]);
  }
  return cases;
}

/** A header value an HTTP client could send: printable Latin-1 and tabs. */
const headerChar = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xa0, max: 0xff }) },
  { weight: 1, arbitrary: fc.constant(0x09) },
).map((code) => String.fromCharCode(code));
const headerText = (maxLength: number) => fc.string({ unit: headerChar, maxLength });
const base64urlText = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 64 });

export interface AuthorizationCase {
  readonly header: string | undefined;
  /** What SPEC §8 says the route answers (200 for the analytics route also needs crm-menu; else 403). */
  readonly expected: 200 | 401 | 403;
}

/**
 * Authorization headers for `route`: raw text, `Bearer` + text, three base64url segments, and
 * tokens built from arbitrary headers, claims and keys, with the answer §8 demands. Only a token
 * signed HS256 with the route's secret and with the claims §8 requires may pass.
 */
export function authorizationCases(route: ProtectedRoute): fc.Arbitrary<AuthorizationCase> {
  const raw = fc.oneof(
    headerText(200),
    headerText(200).map((text) => `Bearer ${text}`),
    fc.tuple(base64urlText, base64urlText, base64urlText).map((parts) => `Bearer ${parts.join('.')}`),
    fc.option(headerText(20), { nil: undefined }).map((text) => text),
  ).map((header): AuthorizationCase => ({ header, expected: 401 }));

  // Each part is right most of the time, so that about a fifth of the tokens are valid and the
  // rest are wrong in one or two ways: the cases that tell a careful check from a sloppy one.
  const mostly = <T>(right: T, ...wrong: T[]) =>
    fc.oneof({ weight: 6, arbitrary: fc.constant(right) }, { weight: 1, arbitrary: fc.constantFrom(...wrong) });
  const structured = fc
    .record({
      alg: mostly('HS256', 'HS512', 'none', 'RS256', 'hs256', ''),
      key: mostly('right', 'other', 'random'),
      payloadShape: mostly('object', 'array', 'json'),
      json: fc.jsonValue({ maxDepth: 2 }),
      type: mostly<unknown>(route.type, route.otherType, undefined, '', route.type.toUpperCase(), 42),
      sub: mostly<unknown>('someone', undefined, 7, null, ['someone']),
      permissions: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom<unknown>(['crm-menu'], ['reports', 'crm-menu']) },
        { weight: 1, arbitrary: fc.constantFrom<unknown>([], ['reports'], ['CRM-MENU']) },
        { weight: 1, arbitrary: fc.constantFrom<unknown>('crm-menu', [1], undefined, { 0: 'crm-menu' }) },
      ),
      iat: mostly<unknown>('now', undefined, 'text', 'future'),
      exp: route.type === 'admin' ? mostly<unknown>('later', undefined, 'past', 'text') : mostly<unknown>(undefined, 'later', 'past', 'text'),
      nbf: mostly<unknown>(undefined, 'past', 'future', 'text'),
      mutation: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
    })
    .map((spec): AuthorizationCase => {
      const now = nowSeconds();
      const time = (value: unknown) =>
        value === 'now' ? now : value === 'later' ? now + 600 : value === 'past' ? now - 60 : value === 'future' ? now + 3600 : value === 'text' ? 'soon' : undefined;
      const claims: Record<string, unknown> = {
        type: spec.type,
        sub: spec.sub,
        iat: time(spec.iat),
        exp: time(spec.exp),
        nbf: time(spec.nbf),
        ...(route.type === 'admin' ? { permissions: spec.permissions } : {}),
      };
      const payload = spec.payloadShape === 'object' ? claims : spec.payloadShape === 'array' ? [claims] : spec.json;
      const secret = spec.key === 'right' ? route.secret : spec.key === 'other' ? route.otherSecret : randomBytes(16).toString('hex');
      let token = signToken({ alg: spec.alg, typ: 'JWT' }, payload, secret, spec.alg === 'HS512' ? 'sha512' : 'sha256');
      // A mutation changes one character of the header or payload: the signature no longer matches.
      let mutated = false;
      if (spec.mutation !== null) {
        const signedPart = token.lastIndexOf('.');
        const at = spec.mutation % signedPart;
        const replacement = token[at] === 'A' ? 'B' : 'A';
        if (token[at] !== '.') {
          token = `${token.slice(0, at)}${replacement}${token.slice(at + 1)}`;
          mutated = true;
        }
      }
      const isNumber = (value: unknown) => typeof value === 'number';
      const claimsValid =
        spec.payloadShape === 'object' &&
        claims.type === route.type &&
        typeof claims.sub === 'string' &&
        isNumber(claims.iat) &&
        (claims.nbf === undefined || (isNumber(claims.nbf) && (claims.nbf) <= now)) &&
        (route.type === 'admin'
          ? isNumber(claims.exp) && Array.isArray(claims.permissions) && claims.permissions.every((entry) => typeof entry === 'string')
          : claims.exp === undefined || isNumber(claims.exp)) &&
        (claims.exp === undefined || (isNumber(claims.exp) && (claims.exp) > now + 5));
      const valid = spec.alg === 'HS256' && spec.key === 'right' && !mutated && claimsValid;
      if (!valid) return { header: `Bearer ${token}`, expected: 401 };
      const permitted = route.type !== 'admin' || (claims.permissions as string[]).includes('crm-menu');
      return { header: `Bearer ${token}`, expected: permitted ? 200 : 403 };
    });

  return fc.oneof({ weight: 2, arbitrary: raw }, { weight: 3, arbitrary: structured });
}
