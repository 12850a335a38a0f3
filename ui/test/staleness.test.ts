import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import StalenessBanner from '../src/components/StalenessBanner.vue';
import { dataStaleness, describeAge } from '../src/format/data-age.js';

const asOf = '2026-04-14T11:58:00.000Z';
const at = (iso: string) => Date.parse(iso);

describe('the age of the data', () => {
  it('reads in minutes, hours, then days, rounded down', () => {
    expect(describeAge(59)).toBe('0 minutes');
    expect(describeAge(60)).toBe('1 minute');
    expect(describeAge(3599)).toBe('59 minutes');
    expect(describeAge(3600)).toBe('1 hour');
    expect(describeAge(47 * 3600 + 3599)).toBe('47 hours');
    expect(describeAge(3 * 86_400 + 5)).toBe('3 days');
  });

  it('is stale past the threshold only, and unknown without data or threshold', () => {
    expect(dataStaleness(asOf, at('2026-04-14T12:58:00.000Z'), 3600)).toMatchObject({ stale: false, ageSeconds: 3600 });
    expect(dataStaleness(asOf, at('2026-04-14T12:58:01.000Z'), 3600)).toMatchObject({ stale: true, age: '1 hour' });
    expect(dataStaleness(null, at('2026-04-17T12:00:00.000Z'), 3600)).toBeNull();
    expect(dataStaleness(asOf, at('2026-04-17T12:00:00.000Z'), null)).toBeNull();
  });
});

describe('StalenessBanner', () => {
  const meta = { source: 'snapshot' as const, computed_at: '2026-04-14T12:00:00.000Z', data_as_of: asOf };

  it('warns with the age and the date of the data once it is stale', () => {
    const banner = mount(StalenessBanner, { props: { meta, staleAfterSeconds: 3600, now: at('2026-04-17T12:30:00.000Z') } });
    const warning = banner.get('[data-role="staleness-warning"]');
    expect(warning.attributes('role')).toBe('alert');
    expect(warning.text()).toContain('Data is 3 days old: the sync has not succeeded since Apr 14, 2026');
  });

  it('says nothing while the data is fresh', () => {
    const banner = mount(StalenessBanner, { props: { meta, staleAfterSeconds: 3600, now: at('2026-04-14T12:30:00.000Z') } });
    expect(banner.find('[data-role="staleness-warning"]').exists()).toBe(false);
  });
});
