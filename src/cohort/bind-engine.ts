import type { GenerateContext, PatientRecord } from '../generate';
import { allResources, generatePatientRecord } from '../generate';
import type { Model } from '../model';
import { parseModel, prepareRecordSampler, prepareSampler } from '../model';
import { formatWhere, parseWhere } from '../schema';

import type { PatientEngine } from './engine';
import { defaultModelPath, loadModelFile, ModelRegistry } from './model-registry';

/** cohort/'s seam bound to the real model/, schema/ and generate/. */
export function createDefaultEngine(): PatientEngine<Model, PatientRecord> {
  return {
    normaliseWhere: (model, where) => formatWhere(parseWhere(model.schema, where)),
    prepareSampler: (model, where, options) => (options?.record === true ? prepareRecordSampler(model, where ?? {}) : prepareSampler(model, where)),
    generatePatientRecord: (profile, ctx: GenerateContext) => generatePatientRecord(profile, ctx),
    allResources: (record) => allResources(record),
  };
}

/**
 * The models this process serves: the file at `modelPath` (relative to the working directory) or
 * the embedded default in seeds/, parsed and hash-checked by model/'s parseModel.
 */
export function loadModels(modelPath: string | undefined): ModelRegistry<Model> {
  return new ModelRegistry([loadModelFile(modelPath ?? defaultModelPath(), parseModel)]);
}
