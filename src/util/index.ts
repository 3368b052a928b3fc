export { canonicalJson, sha256Hex, hashOf } from './canonical-json';
export { invariant, InvariantError, UnreachableCaseError } from './invariant';
export { systemClock, fixedClock } from './clock';
export type { Clock } from './clock';
export {
  parseIsoDate,
  formatIsoDate,
  formatIsoDateTime,
  addDays,
  addYears,
  daysBetween,
  DAYS_PER_YEAR,
  MS_PER_DAY,
} from './dates';
export { packageRoot, packageFile } from './package-root';
export { lazy, zod } from './lazy';
