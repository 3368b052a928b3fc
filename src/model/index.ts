export { fit, DEFAULT_COMPONENTS, DEFAULT_K_FLOOR } from './fit';
export type { FitOptions, FitResult, StratumSpec } from './fit';
export { serializeModel, parseModel, buildModel } from './model';
export type { Model } from './model';
export { MODEL_FORMAT_VERSION } from './model-format';
export type { ModelJson, ModelParams } from './model-format';
export { prepareSampler, sampleOne, sample, sampleRowAt, support, PROBABILITY_FLOOR } from './sample';
export type { Sampler } from './sampler';
export { logDensity } from './log-density';
