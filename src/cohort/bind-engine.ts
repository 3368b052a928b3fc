import { UnsupportedSubgroupError } from '../errors';
import type { GenerateContext, PatientRecord } from '../generate';
import { allResources, generatePatientRecord } from '../generate';
import type { Model } from '../model';
import { parseModel, prepareRecordSampler, prepareSampler, PROBABILITY_FLOOR, sample, support } from '../model';
import { formatWhere, outputColumns, parseWhere } from '../schema';
import type { Row } from '../schema';

import type { PatientEngine } from './engine';
import { defaultModelPath, loadModelFile, ModelRegistry } from './model-registry';

/** cohort/'s seam bound to the real model/, schema/ and generate/. */
export function createDefaultEngine(): PatientEngine<Model, PatientRecord> {
  return {
    normaliseWhere: (model, where) => formatWhere(parseWhere(model.schema, where)),
    prepareSampler: (model, where, options) => (options?.record === true ? prepareRecordSampler(model, where ?? {}) : prepareSampler(model, where)),
    // Through prepareSampler's cache when the subgroup is supported: a balanced cohort's strata are
    // measured at registration and sampled right after, so each sampler is built once.
    support: (model, where) => {
      let sampler;
      try {
        sampler = prepareSampler(model, where);
      } catch (e) {
        if (e instanceof UnsupportedSubgroupError) return support(model, where ?? {});
        throw e;
      }
      return { probability: sampler.probability, effectiveRecords: sampler.probability * model.compiled.effectiveRecords };
    },
    probabilityFloor: PROBABILITY_FLOOR,
    generatePatientRecord: (profile, ctx: GenerateContext) => generatePatientRecord(profile, ctx),
    allResources: (record) => allResources(record),
    checkedSupport: (model, whereJson) => {
      const where = parseWhere(model.schema, whereJson);
      const s = support(model, where);
      if (s.probability < PROBABILITY_FLOOR) {
        prepareSampler(model, where); // throws the model's own message, naming the culprits
        throw new UnsupportedSubgroupError('UNSUPPORTED_SUBGROUP', { where: JSON.stringify(whereJson), support: s.probability });
      }
      return { probability: s.probability, effectiveRecords: s.effectiveRecords };
    },
    sampleRows: (model, whereJson, n, seed) => {
      const where = whereJson === undefined ? undefined : parseWhere(model.schema, whereJson);
      const columns = outputColumns(model.schema);
      return sample(model, { n, seed, ...(where !== undefined ? { where } : {}) }).map((row) => {
        const ordered: Record<string, Row[string]> = {};
        for (const c of columns) if (row[c] !== undefined) ordered[c] = row[c];
        return ordered;
      });
    },
  };
}

/**
 * The models this process serves: the file at `modelPath` (relative to the working directory) or
 * the embedded default in seeds/, parsed and hash-checked by model/'s parseModel.
 */
export function loadModels(modelPath: string | undefined): ModelRegistry<Model> {
  return new ModelRegistry([loadModelFile(modelPath ?? defaultModelPath(), parseModel)]);
}
