/**
 * The sync run whose data a computation reads: the latest `ok` run of `crm_analytics_sync_log`
 * (SPEC §2, §6). The sync owns that log; everything else learns the generation through these types.
 */
export interface DataGeneration {
  /** `crm_analytics_sync_log.id`: the generation snapshots and stores are built for. */
  readonly id: number;
  /** Its watermark as ISO-8601 UTC: what `meta.data_as_of` shows. */
  readonly watermark: string;
}

/** The latest successful sync, read as often as every request wants it. */
export interface LatestGenerationReader {
  read(): Promise<DataGeneration | null>;
}

/**
 * A sync run this process has under way: its sync log id (the generation it will leave once its
 * `ok` row commits) and the generation it follows (the latest successful run when it started;
 * null before the first).
 */
export interface RunInProgress {
  readonly id: number;
  readonly follows: number | null;
}
