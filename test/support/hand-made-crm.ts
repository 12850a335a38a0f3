import { emptyCrm, type ComparableLead, type CrmModel } from './reference-leads.js';

/**
 * A small CRM whose every lead was worked out by hand (SPEC §1–2), with one record for each
 * awkward case: the current follow-up is the greatest id (not the latest created_at), tier ties,
 * an older month with a greater id, floor of closing days, an unknown salesman, and records that
 * must not become leads (soft-deleted, without follow-up, disqualified, re-linked). All history is
 * from 2025, far behind any sync's lookback window.
 */
export function handMadeCrm(): CrmModel {
  const crm = emptyCrm();
  crm.locales.push(
    { id: 1, code: 'MX', name: 'México', currency: 'MXN', rate: 18.5 },
    { id: 2, code: 'US', name: 'United States', currency: 'USD', rate: 1 },
  );
  crm.salesmen.push(
    { id: 1, name: 'Ana Gomez', email: 'ana@example.com', active: 1, created_at: '2024-01-01 00:00:00' },
    { id: 2, name: 'Carlos Ruiz', email: null, active: 1, created_at: '2024-01-01 00:00:00' },
  );
  crm.crm_stages.push(
    { id: 1, name: 'contactado', color: 'primary', position: 1 },
    { id: 2, name: 'negociacion', color: 'warning', position: 2 },
    { id: 3, name: 'cierre', color: 'success', position: 3 },
  );
  const company = (id: number, name: string, locale_id: number, salesman_id: number | null, created_at: string, deleted_at: string | null = null) => ({
    id, name, locale_id, salesman_id, created_at, updated_at: null, deleted_at,
  });
  crm.companies.push(
    company(1, 'Acme', 1, 1, '2025-01-10 10:00:00'),
    company(2, 'Globex', 2, null, '2025-02-01 00:00:00.500'),
    company(3, 'Initech', 1, 1, '2025-01-05 00:00:00', '2025-04-01 00:00:00'),
    company(4, 'Hooli', 1, 2, '2025-01-06 00:00:00'),
  );
  const prospect = (id: number, company_name: string, locale_id: number, salesman_id: number | null, created_at: string, extra: { is_disqualified?: number; company_id?: number; deleted_at?: string } = {}) => ({
    id, company_name, contact_name: null, email: null, locale_id, salesman_id, company_id: extra.company_id ?? null,
    is_disqualified: extra.is_disqualified ?? 0, created_at, updated_at: null, deleted_at: extra.deleted_at ?? null,
  });
  crm.prospection_users.push(
    prospect(1, 'Stark', 1, 2, '2025-03-01 09:00:00'),
    prospect(2, 'Wayne', 1, 2, '2025-03-01 09:00:00', { is_disqualified: 1 }),
    prospect(3, 'Tyrell', 1, 1, '2024-12-01 09:00:00', { company_id: 1 }),
    prospect(4, 'Umbrella', 2, 1, '2025-03-02 09:00:00', { deleted_at: '2025-03-03 00:00:00' }),
    prospect(5, 'Cyberdyne', 2, 1, '2025-03-02 09:00:00'),
    prospect(6, 'Oscorp', 2, 99, '2025-03-03 12:00:00.001'),
  );
  const followUp = (id: number, owner: { company_id?: number; prospect_id?: number }, stage_id: number, created_at: string, values: { product?: string; shipments?: number; value?: number; won?: number; lost?: number; won_at?: string } = {}) => ({
    id, company_id: owner.company_id ?? null, prospect_id: owner.prospect_id ?? null, stage_id, product: values.product ?? null,
    monthly_shipments: values.shipments ?? 0, account_value: values.value ?? 0, is_won: values.won ?? 0, is_lost: values.lost ?? 0,
    won_at: values.won_at ?? null, created_at,
  });
  crm.follow_up_data.push(
    followUp(1, { company_id: 1 }, 1, '2025-01-10 11:00:00', { product: 'packageContent.documents', shipments: 5, value: 100 }),
    // Created last, but id 3 is greater: id 3 is the current follow-up.
    followUp(2, { company_id: 1 }, 2, '2025-05-01 00:00:00', { product: 'packageContent.food', shipments: 7, value: 200 }),
    followUp(3, { company_id: 1 }, 3, '2025-03-11 09:59:59.999', { product: 'packageContent.electronics', shipments: 40, value: 9250.5, won: 1, won_at: '2025-03-11 09:59:59.999' }),
    followUp(4, { company_id: 2 }, 2, '2025-02-01 00:00:01', { product: 'packageContent.clothing', shipments: 12, value: 480.25 }),
    followUp(5, { company_id: 3 }, 2, '2025-01-05 00:00:00', { shipments: 3, value: 30 }),
    followUp(6, { prospect_id: 1 }, 1, '2025-03-01 09:00:00'),
    // Won, then lost: the current row keeps won_at.
    followUp(7, { prospect_id: 1 }, 2, '2025-03-06 00:00:00', { product: 'packageContent.electronics', shipments: 20, value: 370, lost: 1, won_at: '2025-03-05 09:00:00' }),
    followUp(8, { prospect_id: 2 }, 1, '2025-03-01 09:00:00'),
    followUp(9, { prospect_id: 3 }, 2, '2024-12-01 09:00:00'),
    followUp(10, { prospect_id: 4 }, 1, '2025-03-02 09:00:00'),
    followUp(11, { prospect_id: 6 }, 1, '2025-03-03 12:00:00.001'),
  );
  crm.follow_up_comments.push(
    { id: 1, company_id: 1, salesman_id: 1, comment: 'first call', created_at: '2025-02-01 12:00:00.250' },
    { id: 2, company_id: 1, salesman_id: null, comment: 'signed', created_at: '2025-03-15 08:00:00' },
    { id: 3, company_id: 4, salesman_id: 2, comment: 'no answer', created_at: '2025-01-07 00:00:00' },
  );
  crm.prospect_follow_up_comments.push({ id: 1, prospect_id: 1, salesman_id: 2, comment: 'demo booked', created_at: '2025-03-02 10:00:00' });
  crm.shipments.push({ id: 1, company_id: 1, created_at: '2025-03-20 00:00:00' });
  crm.payment_history.push(
    { id: 1, company_id: 1, amount: 100, created_at: '2025-03-12 00:00:00' },
    { id: 2, company_id: 2, amount: 50, created_at: '2025-02-02 00:00:00' },
  );
  crm.company_monthly_tiers.push(
    { id: 1, company_id: 1, month: '2025-02-01', tier: 2, created_at: '2025-02-01 00:00:00' },
    { id: 2, company_id: 1, month: '2025-03-01', tier: 4, created_at: '2025-03-01 00:00:00' },
    // Same month as id 2: the greater id wins.
    { id: 3, company_id: 1, month: '2025-03-01', tier: 5, created_at: '2025-03-02 00:00:00' },
    // A greater id, but an older month: not the current tier.
    { id: 4, company_id: 1, month: '2025-01-01', tier: 1, created_at: '2025-03-03 00:00:00' },
  );
  return crm;
}

const at = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

/** The leads of handMadeCrm(), worked out by hand. */
export const HAND_MADE_LEADS: readonly ComparableLead[] = [
  {
    record_type: 'company', record_id: 1, name: 'Acme', salesman_id: 1, salesman_name: 'Ana Gomez', locale_id: 1, locale_rate: 18.5,
    tier: 5, stage_id: 3, stage_name: 'cierre', stage_color: 'success', product: 'packageContent.electronics',
    monthly_shipments: 40, account_value: 9250.5, is_won: 1, is_lost: 0, won_at: at('2025-03-11 09:59:59.999'),
    // 2025-01-10 10:00 → 2025-03-11 09:59:59.999 is 1 ms short of 60 days.
    closing_days: 59, has_shipment: 1, has_recharge: 1, last_activity_at: at('2025-03-15 08:00:00'), created_at: at('2025-01-10 10:00:00'),
  },
  {
    record_type: 'company', record_id: 2, name: 'Globex', salesman_id: null, salesman_name: null, locale_id: 2, locale_rate: 1,
    tier: null, stage_id: 2, stage_name: 'negociacion', stage_color: 'warning', product: 'packageContent.clothing',
    monthly_shipments: 12, account_value: 480.25, is_won: 0, is_lost: 0, won_at: null, closing_days: null,
    has_shipment: 0, has_recharge: 1, last_activity_at: null, created_at: at('2025-02-01 00:00:00.500'),
  },
  {
    record_type: 'prospect', record_id: 1, name: 'Stark', salesman_id: 2, salesman_name: 'Carlos Ruiz', locale_id: 1, locale_rate: 18.5,
    tier: null, stage_id: 2, stage_name: 'negociacion', stage_color: 'warning', product: 'packageContent.electronics',
    monthly_shipments: 20, account_value: 370, is_won: 0, is_lost: 1, won_at: at('2025-03-05 09:00:00'), closing_days: 4,
    has_shipment: 0, has_recharge: 0, last_activity_at: at('2025-03-02 10:00:00'), created_at: at('2025-03-01 09:00:00'),
  },
  {
    record_type: 'prospect', record_id: 6, name: 'Oscorp', salesman_id: 99, salesman_name: null, locale_id: 2, locale_rate: 1,
    tier: null, stage_id: 1, stage_name: 'contactado', stage_color: 'primary', product: null,
    monthly_shipments: 0, account_value: 0, is_won: 0, is_lost: 0, won_at: null, closing_days: null,
    has_shipment: 0, has_recharge: 0, last_activity_at: null, created_at: at('2025-03-03 12:00:00.001'),
  },
];
