import Inert from '@hapi/inert';
import type { Plugin } from '@hapi/hapi';
import Vision from '@hapi/vision';
import HapiSwagger from 'hapi-swagger';

export interface OpenApiPluginOptions {
  readonly version: string;
}

export const OPENAPI_JSON_PATH = '/openapi.json';
export const DOCUMENTATION_PATH = '/documentation';
/** Where hapi-swagger serves the Swagger UI bundle. */
const SWAGGER_UI_PATH = '/swaggerui/';

/**
 * The Swagger UI page, without inline script or style: every page of this origin runs under the
 * Content-Security-Policy of src/http/plugins/security-headers-plugin.ts (`script-src 'self'`,
 * `style-src 'self'`), which hapi-swagger's own page (an inline script) would break.
 */
const DOCUMENTATION_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>CRM Analytics API</title>
    <link rel="stylesheet" href="${SWAGGER_UI_PATH}swagger-ui.css" />
    <link rel="stylesheet" href="${DOCUMENTATION_PATH}/page.css" />
    <link rel="icon" type="image/png" href="${SWAGGER_UI_PATH}favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${SWAGGER_UI_PATH}swagger-ui-bundle.js"></script>
    <script src="${SWAGGER_UI_PATH}swagger-ui-standalone-preset.js"></script>
    <script src="${DOCUMENTATION_PATH}/swagger-initializer.js"></script>
  </body>
</html>
`;

const DOCUMENTATION_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_JSON_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
});
`;

const DOCUMENTATION_STYLE = `html { box-sizing: border-box; overflow-y: scroll; }
*, *::before, *::after { box-sizing: inherit; }
body { margin: 0; background: #fafafa; }
`;

/**
 * The OpenAPI 3.0 document of every route tagged `api`, generated from the route definitions
 * themselves (their Joi validation, response schemas and notes) by hapi-swagger: a route added
 * elsewhere appears without touching this file. `/openapi.json` is the document,
 * `/documentation` the Swagger UI page that reads it. Both are public: they describe, they serve
 * no data.
 */
export const openApiPlugin: Plugin<OpenApiPluginOptions> = {
  name: 'crm-analytics-openapi',
  async register(server, options) {
    await server.register([
      Inert,
      Vision,
      {
        plugin: HapiSwagger,
        options: {
          OAS: 'v3.0',
          info: {
            title: 'CRM Analytics API',
            version: options.version,
            description:
              'The analytics layer of the CRM: the dashboard payload (`GET /prospects/client-analytics`, admin token ' +
              'with the crm-menu permission), the incremental sync (`POST /crm/analytics/sync`, cron token) and what an ' +
              'operator watches (`GET /metrics`, `GET /crm/analytics/sync/status`, `GET /health`).',
          },
          jsonPath: OPENAPI_JSON_PATH,
          // Our own page below (no inline script); hapi-swagger still serves the UI bundle.
          documentationPage: false,
          swaggerUI: true,
          swaggerUIPath: SWAGGER_UI_PATH,
          routesBasePath: SWAGGER_UI_PATH,
          securityDefinitions: {
            bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          },
          grouping: 'tags',
          // The UI must not send the document to an external validator. hapi-swagger documents
          // null as "off" but types the option as a string.
          validatorUrl: null as unknown as string,
          sortEndpoints: 'ordered',
        } satisfies HapiSwagger.RegisterOptions,
      },
    ]);

    const page = (path: string, body: string, type: string) =>
      server.route({
        method: 'GET',
        path,
        options: { auth: false, description: 'The API documentation page (Swagger UI)' },
        handler: (_request, h) => h.response(body).type(type).header('cache-control', 'no-cache'),
      });
    page(DOCUMENTATION_PATH, DOCUMENTATION_PAGE, 'text/html; charset=utf-8');
    page(`${DOCUMENTATION_PATH}/swagger-initializer.js`, DOCUMENTATION_SCRIPT, 'text/javascript; charset=utf-8');
    page(`${DOCUMENTATION_PATH}/page.css`, DOCUMENTATION_STYLE, 'text/css; charset=utf-8');
  },
};
