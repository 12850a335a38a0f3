import { stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Boom from '@hapi/boom';
import type { Plugin, Request, ResponseToolkit } from '@hapi/hapi';
import Inert from '@hapi/inert';
import Joi from 'joi';

export interface DashboardPluginOptions {
  /** The built dashboard (`vite build` output): index.html and assets/. */
  readonly directory: string;
}

/** Where `npm run build` puts the dashboard: `ui/dist` at the package root (from src/ or dist/). */
export const DEFAULT_DASHBOARD_DIRECTORY = fileURLToPath(new URL('../../../ui/dist', import.meta.url));

/** Vite names every file under assets/ after a hash of its content: a new build means a new name. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** index.html and other unhashed files: always revalidate (the ETag makes that a cheap 304). */
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

/** API namespaces: an unknown path under them is a 404, never the dashboard page. */
const API_PATH_PREFIXES = ['/prospects/', '/crm/', '/health'];

const optionsSchema = Joi.object<DashboardPluginOptions>({
  directory: Joi.string()
    .required()
    .custom((value: string, helpers) => (isAbsolute(value) ? value : helpers.error('any.invalid'))),
});

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** A regular file inside `root` named by a request path, or null (missing, hidden, or outside root). */
async function fileUnder(root: string, requestPath: string): Promise<string | null> {
  const segments = requestPath.split('/').filter(Boolean);
  if (segments.some((segment) => segment.startsWith('.'))) return null;
  const candidate = resolve(root, ...segments);
  const inside = relative(root, candidate);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return null;
  return (await isFile(candidate)) ? candidate : null;
}

/** A `{name*}` path parameter: absent for the route's root. */
function pathParameter(request: Request, name: string): string {
  const value: unknown = request.params[name];
  return typeof value === 'string' ? value : '';
}

/** A browser navigating to a client-side path (`/anything`), as opposed to a missing file or API call. */
function isPageNavigation(request: Request): boolean {
  const path = request.path;
  if (API_PATH_PREFIXES.some((prefix) => path.startsWith(prefix))) return false;
  if (extname(path) !== '') return false;
  const accept: unknown = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}

/**
 * Serves the built dashboard at `/` from the same server as the API: hashed assets cached for a
 * year, index.html revalidated on every load, unknown page paths answered with index.html (the
 * dashboard keeps its state in the query string). The API routes are untouched: hapi always
 * prefers them to the catch-all route here.
 */
export const dashboardPlugin: Plugin<DashboardPluginOptions> = {
  name: 'crm-analytics-dashboard',
  async register(server, rawOptions) {
    const { directory } = Joi.attempt(rawOptions, optionsSchema);
    const root = resolve(directory);
    const indexFile = join(root, 'index.html');
    await server.register(Inert);

    const serveIndex = async (h: ResponseToolkit) => {
      if (!(await isFile(indexFile))) {
        // A server started from a checkout that was never built: say how to fix it.
        return h
          .response('The dashboard is not built. Run `npm run build` (npm install does it), then reload.\n')
          .type('text/plain; charset=utf-8')
          .code(503)
          .header('cache-control', 'no-store');
      }
      return h.file(indexFile, { confine: root }).header('cache-control', REVALIDATE_CACHE_CONTROL);
    };

    server.route({
      method: 'GET',
      path: '/',
      options: { auth: false, description: 'The dashboard page' },
      handler: (_request, h) => serveIndex(h),
    });

    server.route({
      method: 'GET',
      path: '/assets/{file*}',
      options: { auth: false, description: 'Hashed dashboard assets' },
      async handler(request, h) {
        const file = await fileUnder(join(root, 'assets'), pathParameter(request, 'file'));
        if (file === null) throw Boom.notFound();
        return h.file(file, { confine: root }).header('cache-control', IMMUTABLE_CACHE_CONTROL);
      },
    });

    server.route({
      method: 'GET',
      path: '/{path*}',
      options: { auth: false, description: 'Other dashboard files; page paths fall back to index.html' },
      async handler(request, h) {
        const file = await fileUnder(root, pathParameter(request, 'path'));
        if (file !== null) return h.file(file, { confine: root }).header('cache-control', REVALIDATE_CACHE_CONTROL);
        if (isPageNavigation(request)) return serveIndex(h);
        throw Boom.notFound();
      },
    });
  },
};
