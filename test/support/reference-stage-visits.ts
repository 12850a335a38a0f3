import { parseDbDateTime } from '../../src/db/datetime.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { ComparableLead, CrmModel } from './reference-leads.js';

/**
 * An independent, pure-JS reading of SPEC §12: the visits `crm_analytics_stage_visits` must hold,
 * derived from scratch from a CRM and the leads it has. Shares no code with the sync.
 */
export interface ComparableVisit {
  record_type: 'company' | 'prospect';
  record_id: number;
  seq: number;
  stage_id: number;
  entered_at: number;
  left_at: number | null;
}

const byKey = (a: ComparableVisit, b: ComparableVisit) =>
  a.record_type === b.record_type ? a.record_id - b.record_id || a.seq - b.seq : a.record_type < b.record_type ? -1 : 1;

/** The visits of `leads` (the reference leads of `crm`), ordered by key then seq. */
export function referenceStageVisits(crm: CrmModel, leads: readonly ComparableLead[]): ComparableVisit[] {
  const visits: ComparableVisit[] = [];
  for (const lead of leads) {
    const followUps = crm.follow_up_data
      .filter((row) => (lead.record_type === 'company' ? row.company_id : row.prospect_id) === lead.record_id)
      .sort((a, b) => a.id - b.id);
    const mine: ComparableVisit[] = [];
    for (const row of followUps) {
      const last = mine.at(-1);
      if (last !== undefined && last.stage_id === row.stage_id) continue;
      const enteredAt = parseDbDateTime(row.created_at);
      if (last !== undefined) last.left_at = enteredAt;
      mine.push({ record_type: lead.record_type, record_id: lead.record_id, seq: mine.length + 1, stage_id: row.stage_id, entered_at: enteredAt, left_at: null });
    }
    visits.push(...mine);
  }
  return visits.sort(byKey);
}

/** `crm_analytics_stage_visits` as it is now, in the comparable form. */
export async function readStageVisits(database: DatabaseHandle): Promise<ComparableVisit[]> {
  const rows = await database.db.selectFrom('crm_analytics_stage_visits').selectAll().execute();
  return rows
    .map((row) => ({
      record_type: row.record_type,
      record_id: Number(row.record_id),
      seq: Number(row.seq),
      stage_id: Number(row.stage_id),
      entered_at: parseDbDateTime(row.entered_at),
      left_at: row.left_at === null ? null : parseDbDateTime(row.left_at),
    }))
    .sort(byKey);
}
