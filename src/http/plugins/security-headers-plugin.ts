import Boom from '@hapi/boom';
import type { Plugin, Request, ResponseObject } from '@hapi/hapi';
import Joi from 'joi';

/**
 * What every page of this origin may load: its own scripts and styles only (no inline script, no
 * inline style, no eval), images also as `data:` URIs (Swagger UI's icons), nothing framed, no
 * plugins, no `<base>` elsewhere, forms posted only here. The dashboard draws its charts on a
 * canvas and styles through its own stylesheet, so it needs nothing more.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** The request's id (hapi's `request.info.id`), the one every log line of the request carries. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** The headers every response carries, whatever route (or none) produced it. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface SecurityHeadersPluginOptions {
  /** Replaces CONTENT_SECURITY_POLICY (tests; a deployment that embeds more). */
  readonly contentSecurityPolicy?: string;
}

const optionsSchema = Joi.object<SecurityHeadersPluginOptions>({
  contentSecurityPolicy: Joi.string().trim().min(1),
});

function setHeaders(request: Request, headers: Readonly<Record<string, string>>): void {
  const response = request.response;
  if (Boom.isBoom(response)) {
    Object.assign(response.output.headers, headers);
    return;
  }
  // A request aborted before a response was made has nothing to carry headers.
  if ((response as ResponseObject | null) === null) return;
  for (const [name, value] of Object.entries(headers)) response.header(name, value);
}

/**
 * Security headers on every response of the server, the API's, the documentation's and the
 * dashboard's static files alike, errors (401, 404, 422, 500…) included: one `onPreResponse`
 * extension, so a plugin registered later needs nothing to be covered. Also the request id, so
 * a caller can quote it and an operator find the request's log lines.
 */
export const securityHeadersPlugin: Plugin<SecurityHeadersPluginOptions> = {
  name: 'crm-analytics-security-headers',
  register(server, rawOptions) {
    const options = Joi.attempt(rawOptions ?? {}, optionsSchema);
    const headers = {
      ...SECURITY_HEADERS,
      ...(options.contentSecurityPolicy ? { 'Content-Security-Policy': options.contentSecurityPolicy } : {}),
    };
    server.ext('onPreResponse', (request, h) => {
      setHeaders(request, { ...headers, [REQUEST_ID_HEADER]: request.info.id });
      return h.continue;
    });
  },
};
