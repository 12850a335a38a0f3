import { presetRange, todayInZone } from '@domain/presets.js';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ClientAnalyticsView from '../src/ClientAnalyticsView.vue';
import { TOKEN_STORAGE_KEY } from '../src/auth/token-store.js';
import { FILTER_OPTIONS, PAYLOAD, WON_PAYLOAD } from './fixtures/analytics-fixtures.js';

vi.mock('vue-echarts', async () => ({ default: (await import('./chart-stub.js')).ChartStub }));

interface Recorded {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | null;
}

type Answer = (request: Recorded) => Response | Promise<Response>;

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const QUIET_META = { source: 'live', computed_at: '2026-04-17T12:00:00.000Z', data_as_of: '2026-04-17T11:58:00.000Z' };

/** A fake API: filter options, trends and stage history always, the analytics answer from `answer`. */
function fakeApi(answer: Answer) {
  const requests: Recorded[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input, window.location.origin);
    const headers = new Headers(init?.headers);
    const request = { path: url.pathname, query: url.searchParams, authorization: headers.get('authorization') };
    requests.push(request);
    if (url.pathname === '/crm/analytics/filter-options') return json(FILTER_OPTIONS);
    // The trend and stage history panels ask routes of their own: empty answers (their own tests cover them).
    if (url.pathname === '/prospects/client-analytics/trends') return json({ interval: 'month', series: [], meta: QUIET_META });
    if (url.pathname === '/prospects/client-analytics/stages') return json({ stages: [], transitions: [], meta: QUIET_META });
    return answer(request);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { requests, analytics: () => requests.filter((request) => request.path === '/prospects/client-analytics') };
}

const kpi = (wrapper: VueWrapper, key: string) => wrapper.get(`[data-kpi="${key}"] [data-role="value"]`).text();

describe('the client analytics view', () => {
  let wrapper: VueWrapper | undefined;

  beforeEach(() => {
    window.sessionStorage.clear();
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
    vi.unstubAllGlobals();
  });

  it('reads the token and filters from the URL, asks the API with the preset dates, and shows its figures', async () => {
    window.history.replaceState(null, '', '/?preset=3m&localeIds=1#token=tok');
    const api = fakeApi(() => json(PAYLOAD));
    wrapper = mount(ClientAnalyticsView, { attachTo: document.body });
    await flushPromises();

    expect(window.location.hash).toBe('');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('tok');
    const range = presetRange('3m', todayInZone(Date.now(), FILTER_OPTIONS.timezone));
    expect(api.analytics()).toHaveLength(1);
    expect(Object.fromEntries(api.analytics()[0]!.query)).toEqual({ startDate: range.startDate, endDate: range.endDate, localeIds: '1' });
    expect(api.requests.every((request) => request.authorization === 'Bearer tok')).toBe(true);

    expect(wrapper.get('main').attributes('data-state')).toBe('ready');
    expect(kpi(wrapper, 'total_leads')).toBe('1,320');
    expect(kpi(wrapper, 'total_shipments')).toBe('4,721');
    expect(kpi(wrapper, 'avg_shipment_cost')).toBe('$125.40');
    expect(kpi(wrapper, 'total_lost')).toBe('118');
    expect(kpi(wrapper, 'avg_closing_days')).toBe('42.5 days');
    expect(kpi(wrapper, 'advancement_rate')).toBe('28.3%');
    expect(kpi(wrapper, 'in_recharge')).toBe('12');
    expect(wrapper.get('[data-role="range"]').text()).toBe(`Leads created ${range.startDate} to ${range.endDate}`);
    expect(wrapper.get('[data-role="freshness"]').text()).toContain('precomputed snapshot');
    expect(wrapper.get('[data-filter="localeIds"] [data-role="summary"]').text()).toBe('MX · México');
    const salesmen = wrapper.findAll('select[name="salesman"] option').map((option) => option.text());
    expect(salesmen).toEqual(['All', 'Ana Gómez', 'Carlos Ruiz']);
  });

  it('drills down from the funnel into the URL and the request, and back out from the chip', async () => {
    window.history.replaceState(null, '', '/?preset=6m#token=tok');
    const api = fakeApi((request) => json(request.query.get('stage') === 'won' ? WON_PAYLOAD : PAYLOAD));
    wrapper = mount(ClientAnalyticsView, { attachTo: document.body });
    await flushPromises();

    await wrapper.get('button[data-stage="won"]').trigger('click');
    await flushPromises();
    expect(window.location.search).toBe('?preset=6m&stage=won');
    expect(api.analytics().at(-1)!.query.get('stage')).toBe('won');
    expect(kpi(wrapper, 'total_leads')).toBe('247');
    expect(wrapper.get('[data-panel="aging"] h2').text()).toBe('Oldest won leads');
    expect(wrapper.get('[data-role="freshness"]').text()).toContain('computed live');

    await wrapper.get('[data-chip="stage"]').trigger('click');
    await flushPromises();
    expect(window.location.search).toBe('?preset=6m');
    expect(api.analytics().at(-1)!.query.has('stage')).toBe(false);
    expect(kpi(wrapper, 'total_leads')).toBe('1,320');
  });

  it('shows the 422 message and resets the filters on request', async () => {
    window.history.replaceState(null, '', '/?startDate=2026-02-30&endDate=2026-03-01#token=tok');
    const api = fakeApi((request) =>
      request.query.get('startDate') === '2026-02-30'
        ? json({ statusCode: 422, error: 'Unprocessable Entity', message: 'startDate must be a real calendar date (YYYY-MM-DD)' }, 422)
        : json(PAYLOAD),
    );
    wrapper = mount(ClientAnalyticsView, { attachTo: document.body });
    await flushPromises();
    expect(wrapper.get('main').attributes('data-state')).toBe('error');
    expect(wrapper.get('[data-state="invalid-parameter"] [data-role="message"]').text()).toBe('startDate must be a real calendar date (YYYY-MM-DD)');

    await wrapper.get('[data-action="reset-filters"]').trigger('click');
    await flushPromises();
    expect(window.location.search).toBe('');
    expect(api.analytics().at(-1)!.query.get('startDate')).not.toBe('2026-02-30');
    expect(wrapper.get('main').attributes('data-state')).toBe('ready');
  });

  it('asks for a token on a 401, forgets the refused one, and loads with the new one', async () => {
    window.history.replaceState(null, '', '/#token=expired');
    const api = fakeApi((request) =>
      request.authorization === 'Bearer fresh' ? json(PAYLOAD) : json({ statusCode: 401, error: 'Unauthorized', message: 'Token expired' }, 401),
    );
    // filter-options answers 200 to anyone in this fake: the analytics call is the one refusing.
    wrapper = mount(ClientAnalyticsView, { attachTo: document.body });
    await flushPromises();
    expect(wrapper.get('main').attributes('data-state')).toBe('unauthorized');
    expect(wrapper.text()).toContain('Token expired');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();

    await wrapper.get('#token-input').setValue('fresh');
    await wrapper.get('.token-prompt__form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('main').attributes('data-state')).toBe('ready');
    expect(api.analytics().at(-1)!.authorization).toBe('Bearer fresh');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('fresh');
  });

  it('asks for a token before calling the API when it has none', async () => {
    window.history.replaceState(null, '', '/');
    const api = fakeApi(() => json(PAYLOAD));
    wrapper = mount(ClientAnalyticsView, { attachTo: document.body });
    await flushPromises();
    expect(wrapper.get('main').attributes('data-state')).toBe('needs-token');
    expect(api.requests).toHaveLength(0);
  });

  it('shows a network failure and recovers with "Try again"', async () => {
    window.history.replaceState(null, '', '/#token=tok');
    let online = false;
    fakeApi(() => {
      if (!online) throw new TypeError('Failed to fetch');
      return json(PAYLOAD);
    });
    wrapper = mount(ClientAnalyticsView, { attachTo: document.body });
    await flushPromises();
    expect(wrapper.get('[data-state="network"]').text()).toContain('Cannot reach the server');
    online = true;
    await wrapper.get('[data-action="retry"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('main').attributes('data-state')).toBe('ready');
  });
});
