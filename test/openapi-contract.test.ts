import SwaggerParser from '@apidevtools/swagger-parser';
import type { Server, ServerInjectResponse } from '@hapi/hapi';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAdminToken, issueCronToken } from '../src/auth/tokens.js';
import { createServer } from '../src/http/server.js';
import { handMadeCrm } from './support/hand-made-crm.js';
import { MirroredCrm } from './support/mirrored-crm.js';
import { createTestApplication, TEST_CRON_JWT_SECRET, TEST_JWT_SECRET, testDialects, type TestApplication } from './support/test-application.js';

/**
 * The OpenAPI document tells the truth: it is a valid OpenAPI 3.0 document (an independent
 * validator, @apidevtools/swagger-parser), and real responses of every operation it lists — 200
 * and every documented error status — match the schema it gives for that status and content
 * type (ajv). Generic over the document's operations: a route added later is checked too, and a
 * documented status that no way below can provoke fails the test until one is added.
 */

type JsonSchema = Record<string, unknown>;
interface OperationDoc {
  responses: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
  security?: unknown[];
}
type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, OperationDoc>>; components?: { schemas?: Record<string, JsonSchema> } };

/** OpenAPI 3.0's schema dialect as JSON Schema: `nullable: true` becomes a `null` type (or enum value). */
function jsonSchemaOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonSchemaOf);
  if (typeof value !== 'object' || value === null) return value;
  const schema: JsonSchema = {};
  for (const [key, entry] of Object.entries(value)) if (!key.startsWith('x-') && key !== 'nullable') schema[key] = jsonSchemaOf(entry);
  if ((value as JsonSchema).nullable === true) {
    if (typeof schema.type === 'string') schema.type = [schema.type, 'null'];
    if (Array.isArray(schema.enum)) schema.enum = [...(schema.enum as unknown[]), null];
  }
  return schema;
}

const BIG_BODY = 'x'.repeat(100 * 1024);

describe.each(testDialects())('the OpenAPI document against real responses on $dialect', (target) => {
  let app: TestApplication;
  /** Its database answers, but holds none of the tables: what reads or writes them fails (500). */
  let broken: TestApplication;
  /** Its database is closed: even /health fails (503). */
  let closed: TestApplication;
  let server: Server;
  let brokenServer: Server;
  let closedServer: Server;
  let document: OpenApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validators = new Map<string, ValidateFunction>();

  beforeAll(async () => {
    app = await createTestApplication(target);
    broken = await createTestApplication(target, { migrate: false });
    closed = await createTestApplication(target, { migrate: false });
    server = await createServer(app);
    brokenServer = await createServer(broken);
    closedServer = await createServer(closed);
    await server.initialize();
    const crm = new MirroredCrm(app.database);
    await crm.reset();
    await crm.load(handMadeCrm());
    await app.sync.run();
    // Kysely opens its connection on first use; closing one it never opened would leave none closed.
    await closed.health.check();
    await closed.database.close();
    document = JSON.parse((await server.inject('/openapi.json')).payload) as OpenApiDocument;
  });
  afterAll(async () => {
    await app.dispose();
    await broken.dispose();
    await closed.dispose();
  });

  const admin = (permissions = ['crm-menu']) => `Bearer ${issueAdminToken(TEST_JWT_SECRET, { permissions })}`;
  const cron = () => `Bearer ${issueCronToken(TEST_CRON_JWT_SECRET)}`;

  it('is a valid OpenAPI 3.0 document', async () => {
    expect(document.openapi).toBe('3.0.0');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  /** The response's body checked against the document's schema for its status and content type. */
  function expectDocumented(label: string, operation: OperationDoc, response: ServerInjectResponse): void {
    const status = String(response.statusCode);
    const documented = operation.responses[status];
    expect(documented, `${label}: status ${status} is not documented (${response.payload.slice(0, 200)})`).toBeDefined();
    if (status === '304') {
      expect(response.payload).toBe('');
      return;
    }
    const type = String(response.headers['content-type'] ?? '').split(';')[0]!;
    const content = documented!.content?.[type];
    expect(content, `${label} ${status}: content type ${type} is not documented`).toBeDefined();
    if (content?.schema === undefined) return;
    const key = `${label} ${status} ${type}`;
    let validate = validators.get(key);
    if (validate === undefined) {
      validate = ajv.compile({ allOf: [jsonSchemaOf(content.schema)], components: jsonSchemaOf(document.components ?? {}) });
      validators.set(key, validate);
    }
    const body: unknown = type === 'application/json' ? JSON.parse(response.payload) : response.payload;
    const valid = validate(body);
    expect(valid, `${key}: ${ajv.errorsText(validate.errors)}\n${response.payload.slice(0, 500)}`).toBe(true);
  }

  it('documents every response of every operation, and each matches its schema', async () => {
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      expect(path, 'path parameters need a sample value here').not.toContain('{');
      for (const [method, operation] of Object.entries(operations)) {
        const label = `${method.toUpperCase()} ${path}`;
        const send = (target: Server, headers: Record<string, string>, query = '', payload?: string) =>
          target.inject({ method: method.toUpperCase(), url: `${path}${query}`, headers, ...(payload === undefined ? {} : { payload }) });
        const secured = (operation.security ?? []).length > 0;
        // The token that gets this operation's 200: admin with crm-menu, else cron, else none.
        let token: Record<string, string> = {};
        if (secured) {
          for (const candidate of [admin(), cron()]) {
            token = { authorization: candidate };
            if ((await send(server, token)).statusCode !== 401) break;
          }
        }
        const ways: Record<string, () => Promise<ServerInjectResponse>> = {
          200: () => send(server, token),
          304: async () => {
            const first = await send(server, token);
            return send(server, { ...token, 'if-none-match': String(first.headers.etag) });
          },
          401: () => send(server, {}),
          403: () => send(server, { authorization: admin([]) }),
          413: () => send(server, { ...token, 'content-type': 'application/json' }, '', BIG_BODY),
          422: () => send(server, token, '?not_a_parameter=1'),
          500: () => send(brokenServer, token),
          503: () => send(closedServer, token),
        };
        for (const status of Object.keys(operation.responses)) {
          const way = ways[status];
          expect(way, `${label}: no way to provoke a documented ${status}; add one to this test`).toBeDefined();
          const response = await way!();
          expect(response.statusCode, `${label}: expected ${status}, got ${response.statusCode} ${response.payload.slice(0, 200)}`).toBe(Number(status));
          expectDocumented(label, operation, response);
          checked.push(`${label} ${status}`);
        }
      }
    }
    // The operations of this branch at least; routes added later add to the list.
    expect(checked).toEqual(
      expect.arrayContaining([
        'GET /prospects/client-analytics 200',
        'GET /prospects/client-analytics 304',
        'GET /prospects/client-analytics 401',
        'GET /prospects/client-analytics 403',
        'GET /prospects/client-analytics 422',
        'GET /prospects/client-analytics 500',
        'GET /prospects/client-analytics/trends 200',
        'GET /prospects/client-analytics/trends 401',
        'GET /prospects/client-analytics/trends 403',
        'GET /prospects/client-analytics/trends 422',
        'GET /prospects/client-analytics/trends 500',
        'GET /prospects/client-analytics/leads 200',
        'GET /prospects/client-analytics/leads 401',
        'GET /prospects/client-analytics/leads 403',
        'GET /prospects/client-analytics/leads 422',
        'GET /prospects/client-analytics/leads 500',
        'GET /prospects/client-analytics/stages 200',
        'GET /prospects/client-analytics/stages 401',
        'GET /prospects/client-analytics/stages 403',
        'GET /prospects/client-analytics/stages 422',
        'GET /prospects/client-analytics/stages 500',
        'GET /health 200',
        'GET /health 503',
        'GET /metrics 200',
        'GET /metrics 401',
        'GET /crm/analytics/sync/status 200',
        'GET /crm/analytics/sync/status 403',
        'GET /crm/analytics/filter-options 200',
        'POST /crm/analytics/sync 200',
        'POST /crm/analytics/sync 413',
        'POST /crm/analytics/sync 500',
      ]),
    );
  });

  it('documents a lead without a tier: tier_label "" passes the payload schema', async () => {
    const response = await server.inject({ method: 'GET', url: '/prospects/client-analytics', headers: { authorization: admin() } });
    const payload = JSON.parse(response.payload) as { by_tier: { tier_label: string }[]; active_leads: { tier_label: string }[] };
    expect([...payload.by_tier, ...payload.active_leads].some((entry) => entry.tier_label === '')).toBe(true);
    expectDocumented('GET /prospects/client-analytics', document.paths['/prospects/client-analytics']!.get!, response);
  });
});
