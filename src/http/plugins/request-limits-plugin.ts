import type { Socket } from 'node:net';
import Boom from '@hapi/boom';
import type { Plugin, Server } from '@hapi/hapi';
import Joi from 'joi';
import { REQUEST_LIMITS } from '../http-hygiene.js';

export interface RequestLimitsPluginOptions {
  /** Longest path + query string accepted, in characters as sent. */
  readonly maxUrlLength?: number;
}

const optionsSchema = Joi.object<RequestLimitsPluginOptions>({
  maxUrlLength: Joi.number().integer().min(1).default(REQUEST_LIMITS.maxUrlLength),
});

/** Node's socket of an HTTP connection, with the response in flight that Node's own error handler consults. */
type ParsedSocket = Socket & { _httpMessage?: { headersSent: boolean } | null };

/** Raw answers to requests Node's parser refused before hapi could see them. */
const CLIENT_ERROR_RESPONSES: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
};

/**
 * hapi answers every parser error with a bare 400; headers past the listener's bound deserve
 * the 431 that says why (and a request too slow to arrive the 408). Same behaviour otherwise:
 * logged, answered if nothing was written yet, the socket closed.
 */
function answerParserErrors(server: Server): void {
  const listener = server.listener;
  listener.removeAllListeners('clientError');
  listener.on('clientError', (error: NodeJS.ErrnoException, socket: ParsedSocket) => {
    server.log(['connection', 'client', 'error'], error.code ?? error.message);
    // As Node itself does: answer unless a response on this socket has already begun.
    if (socket.writable && socket._httpMessage?.headersSent !== true) {
      const status = CLIENT_ERROR_RESPONSES[error.code ?? ''] ?? '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else socket.destroy();
  });
}

/**
 * A URL longer than the bound is a 414 before routing, query parsing or authentication spend
 * anything on it; headers past the listener's bound a 431. (Bodies are bounded by each route's
 * `payload.maxBytes`: src/http/http-hygiene.ts.)
 */
export const requestLimitsPlugin: Plugin<RequestLimitsPluginOptions> = {
  name: 'crm-analytics-request-limits',
  register(server, rawOptions) {
    const { maxUrlLength } = Joi.attempt(rawOptions ?? {}, optionsSchema) as Required<RequestLimitsPluginOptions>;
    answerParserErrors(server);
    server.ext('onRequest', (request, h) => {
      const url = request.raw.req.url ?? '';
      if (url.length > maxUrlLength) {
        throw Boom.uriTooLong(`URL longer than ${maxUrlLength} characters`);
      }
      return h.continue;
    });
  },
};
