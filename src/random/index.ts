export { streamFor, streamFamily, rngFromSeed, RNG_ALGORITHM } from './rng';
export type { Rng, StreamKey } from './rng';
export { normPdf, normLogPdf, normCdf, normSf, normInv, normIsf, erfc } from './normal';
export {
  standardNormal,
  truncatedStandardNormal,
  truncatedStandardNormalAt,
  categorical,
  uniformInt,
  uniform,
  poisson,
} from './distributions';
