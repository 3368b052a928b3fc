import type { RefEntry } from './entries';
import { extract } from './extract';
import { paramOf } from './registry';
import type { SearchCorpus, Resource } from './types';

/**
 * An in-memory SearchCorpus over a fixed list of resources: one array per type (the same instance
 * on every call, so indexes are reused), an id map, and a by-patient index built from each type's
 * `patient` parameter (Patient itself by id). The resources must not change afterwards.
 */
export function corpusFromResources(resources: readonly Resource[]): SearchCorpus {
  const byType = new Map<string, Resource[]>();
  const byKey = new Map<string, Resource>();
  const byPatient = new Map<string, Resource[]>();
  for (const r of resources) {
    const list = byType.get(r.resourceType);
    if (list === undefined) byType.set(r.resourceType, [r]);
    else list.push(r);
    if (r.id !== undefined) byKey.set(`${r.resourceType}/${r.id}`, r);
    const patientIds =
      r.resourceType === 'Patient'
        ? [r.id ?? '']
        : (() => {
            const def = paramOf(r.resourceType, 'patient');
            if (def === undefined || def.expression === undefined) return [];
            return (extract(def, r, true) as readonly RefEntry[]).flatMap((e) => (e.id === undefined ? [] : [e.id]));
          })();
    for (const id of new Set(patientIds)) {
      const key = `${r.resourceType}/${id}`;
      const l = byPatient.get(key);
      if (l === undefined) byPatient.set(key, [r]);
      else l.push(r);
    }
  }
  const empty: readonly Resource[] = [];
  return {
    resources: (type) => byType.get(type) ?? empty,
    get: (type, id) => byKey.get(`${type}/${id}`),
    byPatient: (type, patientId) =>
      type === 'Patient' || paramOf(type, 'patient') !== undefined ? (byPatient.get(`${type}/${patientId}`) ?? empty) : undefined,
  };
}
