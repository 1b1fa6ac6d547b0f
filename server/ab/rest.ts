import { z } from 'zod';
import { defineRoute, type RestRoute } from '@/server/http/route';
import { assign } from './assign';
import { routeChatCompletion, UNIT_HEADER } from './gateway/chat-completions';
import { chatCompletionRequest } from './gateway/schemas';
import { createTest } from './create-test';
import { getResults } from './get-results';
import { getTest } from './get-test';
import { ingestEvents } from './ingest-events';
import { listTests } from './list-tests';
import { assignResponse, ingestResponse, resultsResponse, testPageResponse, testResponse } from './responses';
import { assignQuerySchema, createTestSchema, ingestSchema, listTestsSchema, shipTestSchema, stopTestSchema, testRef } from './schemas';
import { shipTest } from './ship-test';
import { startTest } from './start-test';
import { stopTest } from './stop-test';

const testParams = z.object({ test_id: testRef.describe('A/B test id') });
const tag = 'A/B tests';

export const abRoutes: RestRoute[] = [
  defineRoute({
    method: 'POST', path: '/ab-tests', tag, scope: 'abTests:manage', summary: 'Create an A/B test of versions of one model (as a draft)', successStatus: 201,
    body: createTestSchema, response: testResponse,
    handler: ({ body, meta }) => createTest(meta, body),
  }),
  defineRoute({
    method: 'GET', path: '/ab-tests', tag, scope: 'abTests:read', summary: 'List A/B tests, newest first',
    query: listTestsSchema, response: testPageResponse,
    handler: ({ query }) => listTests(query),
  }),
  defineRoute({
    method: 'GET', path: '/ab-tests/{test_id}', tag, scope: 'abTests:read', summary: 'Get an A/B test',
    params: testParams, response: testResponse,
    handler: ({ params }) => getTest(params.test_id),
  }),
  defineRoute({
    method: 'POST', path: '/ab-tests/{test_id}/start', tag, scope: 'abTests:manage', summary: 'Start a draft test: assignment and events open',
    params: testParams, response: testResponse,
    handler: ({ params, meta }) => startTest(meta, params.test_id),
  }),
  defineRoute({
    method: 'POST', path: '/ab-tests/{test_id}/stop', tag, scope: 'abTests:manage', summary: 'Stop a running test: no more exposures or events',
    params: testParams, body: stopTestSchema, response: testResponse,
    handler: ({ params, body, meta }) => stopTest(meta, params.test_id, body.reason),
  }),
  defineRoute({
    method: 'POST', path: '/ab-tests/{test_id}/ship', tag, scope: 'abTests:manage',
    summary: 'Accept a ship recommendation: promote the winning version to production (admins) or request the promotion approval; 409 unless the recommendation is ship',
    params: testParams, body: shipTestSchema, response: testResponse,
    handler: ({ params, body, meta }) => shipTest(meta, params.test_id, body.reason),
  }),
  defineRoute({
    method: 'GET', path: '/ab-tests/{test_id}/results', tag, scope: 'abTests:read', summary: 'Statistics, SRM check, sample size and recommendation',
    params: testParams, response: resultsResponse,
    handler: ({ params }) => getResults(params.test_id),
  }),
  defineRoute({
    method: 'GET', path: '/ab-tests/{test_id}/assign', tag, scope: 'abTests:ingest', summary: 'Assign a unit to a variant (deterministic); the first assignment is an exposure',
    params: testParams, query: assignQuerySchema, response: assignResponse,
    handler: ({ params, query }) => assign(params.test_id, query.unit),
  }),
  defineRoute({
    method: 'POST', path: '/ab-tests/{test_id}/events', tag, scope: 'abTests:ingest', summary: 'Send up to 10,000 metric events; idempotent with idempotencyKey',
    params: testParams, body: ingestSchema, response: ingestResponse,
    // 10,000 events of a few hundred bytes each do not fit the default 1 MiB.
    maxBodyBytes: 16 * 1024 * 1024,
    handler: ({ params, body }) => ingestEvents(params.test_id, body),
  }),
  defineRoute({
    method: 'POST', path: '/ab-tests/{test_id}/openai/chat/completions', tag, scope: 'abTests:ingest',
    summary: "OpenAI-compatible chat completion, answered by the deployment of the unit's variant (`user` or the x-neuroweaver-unit header picks it); point the openai SDK's baseURL at /api/v1/ab-tests/{test_id}/openai",
    params: testParams, body: chatCompletionRequest,
    handler: ({ params, body, request }) => routeChatCompletion(params.test_id, body, request.headers.get(UNIT_HEADER)),
  }),
];
