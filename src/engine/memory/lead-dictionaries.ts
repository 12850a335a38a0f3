import { virtualStageOf } from '../../domain/virtual-stage.js';
import { Dictionary } from './dictionary.js';
import { DICTIONARY_GROUPS, FLAG_COMBINATIONS, GROUP_COLUMNS, flagValuesOf, type DictionaryGroup, type GroupEntry } from './store-columns.js';

/** The inputs of a StageGroup (src/domain/analytics-aggregates.ts): one per distinct combination. */
export interface StageGroupEntry {
  readonly flags: number;
  readonly stage: number;
  readonly locale: number;
}
export interface ProductGroupEntry {
  readonly product: number;
  readonly locale: number;
}

/** The dictionary of each group of columns (src/domain/lead-columns.ts), named after the group. */
export type GroupDictionaries = { readonly [G in DictionaryGroup]: Dictionary<GroupEntry<G>> };

/**
 * The dictionaries of every encoded column. One set lives as long as the engine's stores are built
 * from one another (refreshes); a full reload starts a new set, which drops values no row has any more.
 */
export interface LeadDictionaries extends GroupDictionaries {
  /** Virtual stage names (SPEC §3): pipeline stage names and the three outcome stages. */
  readonly virtualStage: Dictionary<string>;
  /** Keyed by stage code, then locale code × FLAG_COMBINATIONS + flags. */
  readonly stageGroup: Dictionary<StageGroupEntry>;
  /** Keyed by product code, then locale code; code 0 is "no product". */
  readonly productGroup: Dictionary<ProductGroupEntry>;
  /** The virtual stage code of a stage code and packed flags. */
  virtualStageCode(stage: number, flags: number): number;
}

function groupDictionary<G extends DictionaryGroup>(group: G): Dictionary<GroupEntry<G>> {
  const [first, second] = GROUP_COLUMNS[group];
  // `make` runs once per new entry, never per row.
  return new Dictionary((a, b) => (second === undefined ? { [first as string]: a } : { [first as string]: a, [second]: b }) as GroupEntry<G>);
}

export function newLeadDictionaries(): LeadDictionaries {
  const groups = Object.fromEntries(DICTIONARY_GROUPS.map((group) => [group, groupDictionary(group)])) as unknown as GroupDictionaries;
  const virtualStage = new Dictionary<string>((name) => name as string);
  const stageGroup = new Dictionary<StageGroupEntry>((stage, localeFlags) => ({
    stage: stage as number,
    locale: Math.floor((localeFlags as number) / FLAG_COMBINATIONS),
    flags: (localeFlags as number) % FLAG_COMBINATIONS,
  }));
  const productGroup = new Dictionary<ProductGroupEntry>((product, locale) => ({ product: product as number, locale: locale as number }));
  // Product code 0 is "no product", and so is product group 0: the scans test the group alone.
  groups.product.encode(null);
  productGroup.encode(0, -1);
  /** The virtual stage code of (stage code × FLAG_COMBINATIONS + flags), once worked out. */
  const virtualStageOfSlot: number[] = [];
  return {
    ...groups,
    virtualStage,
    stageGroup,
    productGroup,
    virtualStageCode(stage, flags) {
      const slot = stage * FLAG_COMBINATIONS + flags;
      let code = virtualStageOfSlot[slot];
      if (code === undefined) {
        code = virtualStage.encode(virtualStageOf({ ...flagValuesOf(flags), stage_name: groups.stage.valueOf(stage).stage_name }));
        virtualStageOfSlot[slot] = code;
      }
      return code;
    },
  };
}

/** Rough heap bytes of every dictionary, for the memory report. */
export function dictionariesBytes(dictionaries: LeadDictionaries): number {
  const all = [...DICTIONARY_GROUPS.map((group) => dictionaries[group]), dictionaries.virtualStage, dictionaries.stageGroup, dictionaries.productGroup];
  return all.reduce((bytes, dictionary) => bytes + dictionary.approximateBytes(), 0);
}
