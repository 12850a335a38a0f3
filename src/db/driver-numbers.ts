/**
 * Drivers hand numbers over as numbers, or as strings (a DECIMAL, a BIGINT, a SUM on MySQL or
 * PostgreSQL): both are read as numbers here; SQL NULL (a SUM over no rows) is 0.
 */
export function numberFromDriver(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}

/** As numberFromDriver, with SQL NULL kept as null. */
export function nullableNumberFromDriver(value: unknown): number | null {
  return value === null || value === undefined ? null : numberFromDriver(value);
}
