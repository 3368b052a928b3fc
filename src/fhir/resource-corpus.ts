import type { Resource } from './types';

const EMPTY: readonly Resource[] = Object.freeze([]);

/**
 * The resources a search runs over: every resource of some patients, by type, by id and by patient.
 * Built once and never changed: `resources(type)` returns the same array instance every time, so
 * search indexes cached on it stay valid. Objects are shared with the record cache and served as
 * they are: nobody may mutate them. Implements fhir/search's SearchCorpus.
 */
export class ResourceCorpus {
  private readonly byType = new Map<string, Resource[]>();
  private readonly byKey = new Map<string, Resource>();
  private readonly byPatientType = new Map<string, Map<string, Resource[]>>();
  private patients = 0;
  private count = 0;

  /** Adds one patient's resources (the Patient first). Only for builders, before the corpus is shared. */
  addPatient(patientId: string, resources: readonly Resource[]): void {
    let mine = this.byPatientType.get(patientId);
    if (mine === undefined) {
      mine = new Map();
      this.byPatientType.set(patientId, mine);
      this.patients += 1;
    }
    for (const r of resources) {
      const type = r.resourceType;
      let list = this.byType.get(type);
      if (list === undefined) this.byType.set(type, (list = []));
      list.push(r);
      let own = mine.get(type);
      if (own === undefined) mine.set(type, (own = []));
      own.push(r);
      if (r.id !== undefined) this.byKey.set(`${type}/${r.id}`, r);
      this.count += 1;
    }
  }

  resources(type: string): readonly Resource[] {
    return this.byType.get(type) ?? EMPTY;
  }

  get(type: string, id: string): Resource | undefined {
    return this.byKey.get(`${type}/${id}`);
  }

  /** A patient's resources of a type; empty (not undefined) for a patient outside the corpus: every patient in scope is indexed. */
  byPatient(type: string, patientId: string): readonly Resource[] {
    return this.byPatientType.get(patientId)?.get(type) ?? EMPTY;
  }

  /** Every resource of one patient in the corpus, Patient first, in record order. */
  ofPatient(patientId: string): readonly Resource[] {
    const mine = this.byPatientType.get(patientId);
    return mine === undefined ? EMPTY : [...mine.values()].flat();
  }

  get patientCount(): number {
    return this.patients;
  }

  get resourceCount(): number {
    return this.count;
  }
}
