import Inert from '@hapi/inert';
import type { Plugin } from '@hapi/hapi';
import Vision from '@hapi/vision';
import HapiSwagger from 'hapi-swagger';

export interface OpenApiPluginOptions {
  readonly version: string;
}

export const OPENAPI_JSON_PATH = '/openapi.json';
export const DOCUMENTATION_PATH = '/documentation';

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
              'with the crm-menu permission) and the incremental sync (`POST /crm/analytics/sync`, cron token).',
          },
          jsonPath: OPENAPI_JSON_PATH,
          documentationPath: DOCUMENTATION_PATH,
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
  },
};
