import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeCursorPayload, encodeCursorPayload, type LeadCursorPayload } from '../domain/lead-list.js';

/**
 * Opaque, tamper-evident, stateless cursors for the lead list (SPEC §10): the payload (the sort and
 * the position of a page's last row, src/domain/lead-list.ts) as base64url JSON, a dot, and its
 * HMAC-SHA256. The key is derived from a secret every API instance shares (JWT_SECRET), under a
 * label of its own, so any instance verifies any instance's cursors and a cursor is never a token.
 * An edited cursor fails the MAC: a 422, never someone else's rows nor a 500.
 */
export interface LeadCursorCodec {
  encode(payload: LeadCursorPayload): string;
  /** The payload of a cursor this service issued; null for anything else. */
  decode(cursor: string): LeadCursorPayload | null;
}

const KEY_LABEL = 'crm-analytics lead-list cursor v1';
/** Longer than any cursor this codec writes: a longer text is refused before any work. */
export const MAX_CURSOR_LENGTH = 512;

export function createLeadCursorCodec(secret: string): LeadCursorCodec {
  const key = createHmac('sha256', secret).update(KEY_LABEL).digest();
  const mac = (text: string) => createHmac('sha256', key).update(text).digest();
  return {
    encode(payload) {
      const text = encodeCursorPayload(payload);
      return `${Buffer.from(text).toString('base64url')}.${mac(text).toString('base64url')}`;
    },
    decode(cursor) {
      if (cursor.length > MAX_CURSOR_LENGTH) return null;
      const [body, signature, extra] = cursor.split('.');
      if (body === undefined || signature === undefined || extra !== undefined) return null;
      if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return null;
      const text = Buffer.from(body, 'base64url').toString('utf8');
      // Base64url decoding is lenient: only the canonical spelling of a payload is accepted.
      if (Buffer.from(text).toString('base64url') !== body) return null;
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(text);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return decodeCursorPayload(text);
    },
  };
}
