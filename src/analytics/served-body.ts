import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** The content codings a snapshot is kept in besides identity. */
export type BodyEncoding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * A strong entity tag of a body (without the quotes): a digest of its bytes, so it changes
 * whenever the body does and only then.
 */
export function entityTagOf(body: string | Buffer): string {
  return createHash('sha1').update(body).digest('base64url');
}

/**
 * One answer's bytes as served many times (a snapshot of one generation): identity, and br / gzip
 * compressed once, on the first request that asks (in the thread pool, the best levels: paid once
 * per snapshot and generation, never per request).
 */
export class ServedBody {
  readonly identity: Buffer;
  readonly entityTag: string;
  readonly #encoded = new Map<BodyEncoding, Promise<Buffer>>();

  constructor(json: string) {
    this.identity = Buffer.from(json, 'utf8');
    this.entityTag = entityTagOf(this.identity);
  }

  encoded(encoding: BodyEncoding): Promise<Buffer> {
    let bytes = this.#encoded.get(encoding);
    if (bytes === undefined) {
      bytes =
        encoding === 'br'
          ? brotli(this.identity, {
              params: {
                [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
                [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                [constants.BROTLI_PARAM_SIZE_HINT]: this.identity.length,
              },
            })
          : gzipped(this.identity, { level: constants.Z_BEST_COMPRESSION });
      // A failure is not kept: the next request tries again.
      bytes.catch(() => this.#encoded.delete(encoding));
      this.#encoded.set(encoding, bytes);
    }
    return bytes;
  }
}
