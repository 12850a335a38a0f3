import { createServer, type Server as HttpServer } from 'node:http';
import type { RouteOptionsCors } from '@hapi/hapi';

/**
 * The bounds every request meets before any route sees it (docs/reliability.md). They are
 * generous for what the API and the dashboard send, and small enough that no request can make the
 * process buffer much.
 */
export const REQUEST_LIMITS = {
  /**
   * The request line and all headers together. Node's default (16 KiB) answers a 16 KiB
   * Authorization header with its own 431 before hapi sees it; a token that big must reach the
   * auth strategy and be refused there as a 401. Above this bound Node still answers 431.
   */
  maxHeaderBytes: 32 * 1024,
  /**
   * Path and query string. The longest legitimate query (100 locale ids, a 128-character product
   * percent-encoded, every other filter) is under 2 KiB; longer URLs are a 414.
   */
  maxUrlLength: 8 * 1024,
  /** Request bodies on any route that reads one; the sync route takes none and lowers it further. */
  maxPayloadBytes: 64 * 1024,
  /** A client has this long to send its headers (slow-loris), and the whole request. */
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 30_000,
} as const;

/**
 * The HTTP listener hapi serves on, with the header bound and the timeouts above (hapi's own
 * options cannot set them).
 */
export function createHttpListener(): HttpServer {
  return createServer({
    maxHeaderSize: REQUEST_LIMITS.maxHeaderBytes,
    headersTimeout: REQUEST_LIMITS.headersTimeoutMs,
    requestTimeout: REQUEST_LIMITS.requestTimeoutMs,
  });
}

/**
 * hapi's CORS settings for every route: off unless CORS_ORIGINS lists origins. Bearer tokens, not
 * cookies, carry identity, so credentials stay off; the analytics source and request id headers
 * are readable by the calling page.
 */
export function corsSettings(origins: readonly string[]): RouteOptionsCors | false {
  if (origins.length === 0) return false;
  return {
    origin: [...origins],
    credentials: false,
    maxAge: 600,
    additionalExposedHeaders: ['X-Analytics-Source', 'X-Request-Id'],
  };
}
