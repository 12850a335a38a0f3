import Jwt from '@hapi/jwt';
import type { Plugin, Request, ResponseToolkit } from '@hapi/hapi';
import Joi from 'joi';
import { ADMIN_STRATEGY, CRON_OR_ADMIN_STRATEGY, CRON_STRATEGY, TOKEN_ALGORITHM } from '../../auth/tokens.js';
import { VerifiedTokenCache } from '../verified-token-cache.js';

export interface AuthPluginOptions {
  readonly jwtSecret: string;
  readonly cronJwtSecret: string;
}

const optionsSchema = Joi.object<AuthPluginOptions>({
  jwtSecret: Joi.string().required(),
  cronJwtSecret: Joi.string().required().invalid(Joi.ref('jwtSecret')),
});

const stringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((entry) => typeof entry === 'string');

interface DecodedArtifacts {
  decoded: { payload: unknown };
}

type TokenCheck = (payload: Record<string, unknown>) => boolean;

/** A token whose claims fail `check` is a 401, whatever its signature says. */
function validateWith(check: TokenCheck) {
  return (artifacts: DecodedArtifacts, _request: Request, _h: ResponseToolkit) => {
    const payload = artifacts.decoded.payload;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { isValid: false };
    const claims = payload as Record<string, unknown>;
    if (!check(claims)) return { isValid: false };
    // hapi's route `access.scope` reads credentials.scope: permissions become scopes, so a valid
    // token without the permission gets hapi's own 403 (after authentication, before validation).
    const scope = stringArray(claims.permissions) ? claims.permissions : [];
    return { isValid: true, credentials: { ...claims, scope } };
  };
}

const isAdminToken: TokenCheck = (claims) =>
  claims.type === 'admin' &&
  typeof claims.sub === 'string' &&
  stringArray(claims.permissions) &&
  typeof claims.iat === 'number' &&
  typeof claims.exp === 'number'; // admin tokens must expire (SPEC §8)

const isCronToken: TokenCheck = (claims) =>
  claims.type === 'cron' &&
  typeof claims.sub === 'string' &&
  typeof claims.iat === 'number' &&
  (claims.exp === undefined || typeof claims.exp === 'number');

const strategy = (secret: string, check: TokenCheck) => ({
  keys: { key: secret, algorithms: [TOKEN_ALGORITHM] },
  verify: { aud: false, iss: false, sub: false, nbf: true, exp: true, maxAgeSec: 0, timeSkewSec: 0 },
  validate: validateWith(check),
});

/** The @hapi/jwt strategies that verify what the public strategies have not seen yet. */
const VERIFIER_OF = { [ADMIN_STRATEGY]: 'token_admin_verify', [CRON_STRATEGY]: 'token_cron_verify' } as const;

/**
 * The `type` claim of a bearer token, read without verifying anything: it only chooses which
 * strategy verifies the token (hapi stops at the first strategy that refuses a token, so a route
 * cannot simply list both).
 */
function claimedType(authorization: string | undefined): unknown {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>).type : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The two JWT strategies of SPEC §8: `token_admin` (JWT_SECRET, `type: "admin"`, `exp` required)
 * and `token_cron` (CRON_JWT_SECRET, `type: "cron"`), and `token_cron_or_admin` for routes open to
 * both. Routes choose one; nothing is on by default.
 */
export const authPlugin: Plugin<AuthPluginOptions> = {
  name: 'crm-analytics-auth',
  async register(server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema);
    await server.register(Jwt);
    // @hapi/jwt verifies (signature with the pinned algorithm, exp, nbf, then the claims above);
    // the public strategies remember what it accepted, by exact header, until the token's exp.
    server.auth.strategy(VERIFIER_OF[ADMIN_STRATEGY], 'jwt', strategy(options.jwtSecret, isAdminToken));
    server.auth.strategy(VERIFIER_OF[CRON_STRATEGY], 'jwt', strategy(options.cronJwtSecret, isCronToken));
    server.auth.scheme('crm-analytics-verified-jwt', (_server, schemeOptions) => {
      const verifier = (schemeOptions as { verifier: string }).verifier;
      const verified = new VerifiedTokenCache();
      return {
        async authenticate(request, h) {
          const header = request.headers.authorization as string | undefined;
          const kept = header === undefined ? undefined : verified.get(header, Date.now());
          if (kept !== undefined) return h.authenticated(kept);
          try {
            const data = await server.auth.test(verifier, request);
            if (header !== undefined) verified.set(header, data, data.credentials.exp);
            return h.authenticated(data);
          } catch (error) {
            return h.unauthenticated(error instanceof Error ? error : new Error(String(error)));
          }
        },
      };
    });
    server.auth.strategy(ADMIN_STRATEGY, 'crm-analytics-verified-jwt', { verifier: VERIFIER_OF[ADMIN_STRATEGY] });
    server.auth.strategy(CRON_STRATEGY, 'crm-analytics-verified-jwt', { verifier: VERIFIER_OF[CRON_STRATEGY] });
    // Either of them, for the operations routes (docs/operations.md): verified by the strategy of
    // the type the token claims, with every check of that strategy.
    server.auth.scheme('crm-analytics-cron-or-admin', () => ({
      async authenticate(request, h) {
        const name = claimedType(request.headers.authorization as string | undefined) === 'cron' ? CRON_STRATEGY : ADMIN_STRATEGY;
        try {
          const { credentials, artifacts } = await server.auth.test(name, request);
          return h.authenticated({ credentials, artifacts });
        } catch (error) {
          return h.unauthenticated(error instanceof Error ? error : new Error(String(error)));
        }
      },
    }));
    server.auth.strategy(CRON_OR_ADMIN_STRATEGY, 'crm-analytics-cron-or-admin');
  },
};
