/**
 * What the dashboard's filters offer besides what the analytics payload carries
 * (`GET /crm/analytics/filter-options`): the payload names locales by id only and lists only the
 * stages that have leads, so the locale and stage selects read the CRM's reference tables.
 */
export interface LocaleOption {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly currency: string;
}

export interface StageOption {
  readonly name: string;
  readonly color: string;
  readonly position: number;
}

export interface FilterOptions {
  /** CRM_TIMEZONE: the dashboard computes its presets' "today" in it, as the snapshot job does. */
  readonly timezone: string;
  /** SYNC_STALE_AFTER_SECONDS: data older than this gets the dashboard's staleness warning. */
  readonly stale_after_seconds: number;
  /** Sorted by name, then id. */
  readonly locales: readonly LocaleOption[];
  /** The CRM's pipeline stages in pipeline order (the outcome stages are not CRM stages). */
  readonly stages: readonly StageOption[];
}
