import { emptyCrm, type CrmModel, type SourceRow } from './reference-leads.js';

/**
 * A CRM whose stage history (SPEC §12) was worked out by hand, one lead per case: re-entry into a
 * stage after a regression, consecutive follow-ups of one stage (one visit), a negative visit
 * (a follow-up dated before the one before it) clamped to 0, a lead won from its first stage, a
 * lost lead, a disqualified prospect whose visits must not count, and a stage nobody visited.
 * The expected response is STAGE_HISTORY_ALL_TIME below; NOW is the application's clock.
 */
export const STAGE_HISTORY_NOW = Date.parse('2026-04-17T12:00:00Z');

export function stageHistoryCrm(): CrmModel {
  const crm = emptyCrm();
  crm.locales.push({ id: 1, code: 'MX', name: 'México', currency: 'MXN', rate: 18.5 });
  crm.salesmen.push({ id: 1, name: 'Ana Gomez', email: null, active: 1, created_at: '2025-01-01 00:00:00' });
  crm.crm_stages.push(
    { id: 1, name: 'nuevo', color: 'secondary', position: 1 },
    { id: 2, name: 'contactado', color: 'primary', position: 2 },
    { id: 3, name: 'propuesta', color: 'dark', position: 3 },
    { id: 4, name: 'cierre', color: 'success', position: 4 },
    { id: 5, name: 'pausa', color: 'warning', position: 5 },
  );
  const company = (id: number, created_at: string) => ({ id, name: `Company ${id}`, locale_id: 1, salesman_id: 1, created_at, updated_at: null, deleted_at: null });
  crm.companies.push(company(1, '2026-03-01 00:00:00'), company(2, '2026-03-01 00:00:00'), company(3, '2026-03-02 00:00:00'));
  const prospect = (id: number, created_at: string, is_disqualified: number) => ({
    id, company_name: `Prospect ${id}`, contact_name: null, email: null, locale_id: 1, salesman_id: null, company_id: null,
    is_disqualified, created_at, updated_at: null, deleted_at: null,
  });
  crm.prospection_users.push(prospect(1, '2026-03-01 00:00:00', 0), prospect(2, '2026-03-01 00:00:00', 1));
  let id = 0;
  const followUp = (
    owner: { company_id: number } | { prospect_id: number },
    stage_id: number,
    created_at: string,
    outcome: { is_won?: number; is_lost?: number; won_at?: string } = {},
  ): SourceRow<'follow_up_data'> => ({
    id: ++id,
    company_id: 'company_id' in owner ? owner.company_id : null,
    prospect_id: 'prospect_id' in owner ? owner.prospect_id : null,
    stage_id,
    product: null,
    monthly_shipments: 1,
    account_value: 100,
    is_won: outcome.is_won ?? 0,
    is_lost: outcome.is_lost ?? 0,
    won_at: outcome.won_at ?? null,
    created_at,
  });
  crm.follow_up_data.push(
    // Company 1: nuevo (two rows, one visit) → contactado → nuevo again → contactado → propuesta (current).
    followUp({ company_id: 1 }, 1, '2026-03-01 00:00:00'),
    followUp({ company_id: 1 }, 1, '2026-03-02 00:00:00'),
    // Company 2: won from its first stage.
    followUp({ company_id: 2 }, 1, '2026-03-01 01:00:00'),
    followUp({ company_id: 1 }, 2, '2026-03-04 00:00:00'),
    followUp({ company_id: 1 }, 1, '2026-03-05 00:00:00'),
    // Prospect 1: contactado, then a follow-up dated before it (a negative visit) in propuesta.
    followUp({ prospect_id: 1 }, 2, '2026-03-06 00:00:00'),
    followUp({ prospect_id: 1 }, 3, '2026-03-03 00:00:00'),
    followUp({ company_id: 1 }, 2, '2026-03-07 00:00:00'),
    followUp({ company_id: 2 }, 1, '2026-03-03 01:00:00', { is_won: 1, won_at: '2026-03-03 01:00:00' }),
    followUp({ company_id: 1 }, 3, '2026-03-11 00:00:00'),
    // Company 3: nuevo for 7 days, then lost in cierre.
    followUp({ company_id: 3 }, 1, '2026-03-02 00:00:00'),
    followUp({ company_id: 3 }, 4, '2026-03-09 00:00:00', { is_lost: 1 }),
    // Prospect 2 is disqualified: not a lead, its visits do not count.
    followUp({ prospect_id: 2 }, 1, '2026-03-01 00:00:00'),
    followUp({ prospect_id: 2 }, 5, '2026-03-20 00:00:00'),
  );
  return crm;
}

const stage = (stage_id: number, stage_name: string, stage_color: string, position: number) => ({ stage_id, stage_name, stage_color, position });

/**
 * Worked out by hand:
 * - nuevo: entered by companies 1, 2, 3; all advanced (1 and 3 moved to a later stage, 2 won);
 *   completed time per lead: company 1 3 d + 2 d = 5 d, company 3 7 d (company 2's visit is
 *   current) → [5, 7]: median v1 = 5.0, p90 v⌈1.8⌉ = v2 = 7.0.
 * - contactado: companies 1 and prospect 1, both advanced to propuesta; completed: company 1
 *   1 d + 4 d = 5 d, prospect 1 −3 d → 0 → [0, 5]: median 0.0, p90 5.0.
 * - propuesta: current for company 1 (since 03-11, 37.5 d) and prospect 1 (since 03-03, 45.5 d):
 *   median v1 = 37.5; nobody advanced: 0.0.
 * - cierre: company 3, lost (not current), did not advance.
 * - pausa: only the disqualified prospect went there: nothing.
 */
export const STAGE_HISTORY_ALL_TIME = {
  stages: [
    { ...stage(1, 'nuevo', 'secondary', 1), entered: 3, current: 0, advanced: 3, advance_rate: 100, median_days: 5, p90_days: 7, current_median_days: null },
    { ...stage(2, 'contactado', 'primary', 2), entered: 2, current: 0, advanced: 2, advance_rate: 100, median_days: 0, p90_days: 5, current_median_days: null },
    { ...stage(3, 'propuesta', 'dark', 3), entered: 2, current: 2, advanced: 0, advance_rate: 0, median_days: null, p90_days: null, current_median_days: 37.5 },
    { ...stage(4, 'cierre', 'success', 4), entered: 1, current: 0, advanced: 0, advance_rate: 0, median_days: null, p90_days: null, current_median_days: null },
    { ...stage(5, 'pausa', 'warning', 5), entered: 0, current: 0, advanced: 0, advance_rate: null, median_days: null, p90_days: null, current_median_days: null },
  ],
  transitions: [
    { from: 'contactado', to: 'propuesta', count: 2 },
    { from: 'nuevo', to: 'contactado', count: 2 },
    { from: 'contactado', to: 'nuevo', count: 1 },
    { from: 'nuevo', to: 'cierre', count: 1 },
  ],
};
