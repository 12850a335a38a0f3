import { generateDemoCrm, type DemoCrmOptions } from '../../src/demo/crm-generator.js';
import { SOURCE_COLUMNS, SOURCE_TABLE_WRITE_ORDER } from '../../src/demo/source-columns.js';
import { emptyCrm, type CrmModel } from './reference-leads.js';

/**
 * The demo generator's CRM as an in-memory model (rows as objects), so a test can load a CRM of
 * a few thousand believable leads into a MirroredCrm and still ask the reference what the sync
 * should produce.
 */
export function demoCrmModel(options: DemoCrmOptions): CrmModel {
  const crm = emptyCrm();
  for (const batch of generateDemoCrm(options)) {
    for (const table of SOURCE_TABLE_WRITE_ORDER) {
      const columns: readonly string[] = SOURCE_COLUMNS[table];
      const rows = crm[table] as Record<string, unknown>[];
      for (const row of batch.rows[table]) rows.push(Object.fromEntries(columns.map((column, index) => [column, row[index]])));
    }
  }
  return crm;
}
