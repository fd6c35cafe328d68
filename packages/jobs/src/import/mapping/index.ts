/**
 * Column mapping (docs/contract.md section 2b): which of a file's columns hold the product fields, how its
 * `active` values read, and the rules of recognised shop exports. Pure apart from the remembered
 * mappings' two queries.
 */
export {
  CONFIDENT,
  fieldConfidence,
  findColumn,
  mappingProblem,
  planMapping,
  sameMapping,
  suggestFields,
  type MappingPlan,
} from './plan.ts';
export { ACTIVE_WORDS, activeValueMap } from './active-values.ts';
export { detectProfile, profileMapping } from './profiles.ts';
export { createRowMapper, type RowMapper } from './row-mapper.ts';
export { headerSignature, rememberedMapping, rememberMapping } from './remembered.ts';
