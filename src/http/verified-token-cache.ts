import type { AuthenticationData } from '@hapi/hapi';

/** Tokens kept verified per strategy: far more than the users and schedulers of one deployment. */
export const VERIFIED_TOKENS_KEPT = 1000;

/**
 * Tokens a strategy has verified (signature, algorithm, type, claims), by the exact Authorization
 * header that carried them, until their `exp`: a dashboard or scraper sending the same token again
 * costs a lookup instead of an HMAC and two JSON parses. Bounded in size (the oldest entry goes
 * first) and in time (an entry is never used at or after its token's `exp`, nor within a second of
 * it: the verifier then decides, and refuses an expired token). Failures are never kept.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, { readonly data: AuthenticationData; readonly expiresAt: number }>();

  constructor(private readonly capacity = VERIFIED_TOKENS_KEPT) {}

  get size(): number {
    return this.#entries.size;
  }

  get(header: string, now: number): AuthenticationData | undefined {
    const entry = this.#entries.get(header);
    if (entry === undefined) return undefined;
    if (now >= entry.expiresAt - 1000) {
      this.#entries.delete(header);
      return undefined;
    }
    return entry.data;
  }

  /** `exp`: the token's claim in seconds; a token without one (cron) stays until pushed out. */
  set(header: string, data: AuthenticationData, exp: unknown): void {
    const expiresAt = typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY;
    this.#entries.delete(header);
    this.#entries.set(header, { data, expiresAt });
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
