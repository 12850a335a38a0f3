import Jwt from '@hapi/jwt';

/** hapi auth strategy names and the permission of SPEC §8. */
export const ADMIN_STRATEGY = 'token_admin';
export const CRON_STRATEGY = 'token_cron';
export const CRM_MENU_PERMISSION = 'crm-menu';
/**
 * Either token: a cron token, or an admin token (whose permissions the route then checks). The
 * token's own `type` claim picks which of the two strategies verifies it, wholly.
 */
export const CRON_OR_ADMIN_STRATEGY = 'token_cron_or_admin';
/** The one algorithm both strategies accept (RFC 8725 §3.1: pin it, never trust the header). */
export const TOKEN_ALGORITHM = 'HS256';

export interface AdminClaims {
  readonly sub: string;
  readonly type: 'admin';
  readonly permissions: readonly string[];
}

export interface CronClaims {
  readonly sub: string;
  readonly type: 'cron';
}

export interface IssueAdminTokenOptions {
  readonly sub?: string;
  readonly permissions?: readonly string[];
  /** Lifetime in seconds; admin tokens always expire. */
  readonly ttlSeconds?: number;
  /** Issue as of this instant (ms); tests use it to make expired tokens. */
  readonly now?: number;
}

export const DEFAULT_ADMIN_TTL_SECONDS = 8 * 3600;

export function issueAdminToken(secret: string, options: IssueAdminTokenOptions = {}): string {
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_ADMIN_TTL_SECONDS;
  if (!(ttlSeconds > 0)) throw new RangeError('an admin token needs a positive lifetime');
  const claims: AdminClaims = {
    sub: options.sub ?? 'admin',
    type: 'admin',
    permissions: options.permissions ?? [CRM_MENU_PERMISSION],
  };
  return Jwt.token.generate({ ...claims }, { key: secret, algorithm: TOKEN_ALGORITHM }, {
    ttlSec: ttlSeconds,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}

export interface IssueCronTokenOptions {
  readonly sub?: string;
  /** Lifetime in seconds; omitted = no `exp` (the cron service keeps one long-lived token). */
  readonly ttlSeconds?: number;
  readonly now?: number;
}

export function issueCronToken(secret: string, options: IssueCronTokenOptions = {}): string {
  const claims: CronClaims = { sub: options.sub ?? 'cron', type: 'cron' };
  return Jwt.token.generate({ ...claims }, { key: secret, algorithm: TOKEN_ALGORITHM }, {
    ...(options.ttlSeconds === undefined ? {} : { ttlSec: options.ttlSeconds }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}

const DURATION = /^(\d+)\s*(s|m|h|d)?$/i;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90`, `45m`, `8h`, `30d` → seconds. Throws on anything else. */
export function parseDuration(value: string): number {
  const match = DURATION.exec(value.trim());
  if (!match) throw new Error(`not a duration: "${value}" (use e.g. 900, 45m, 8h, 30d)`);
  const seconds = Number(match[1]) * (UNIT_SECONDS[(match[2] ?? 's').toLowerCase()] ?? 1);
  if (seconds <= 0) throw new Error(`a duration must be positive: "${value}"`);
  return seconds;
}
