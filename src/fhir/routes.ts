import { capabilitiesHandler } from './capability';
import type { Route } from './context';
import { COHORT_DEFINITION, cohortHandler, groupReadHandler } from './operations/cohort';
import { EVERYTHING_DEFINITION, everythingHandler } from './operations/everything';
import { TWIN_DEFINITION, twinHandler } from './operations/twin';
import { EXPORT_ROUTES } from './operations/export';
import { historyHandler, readHandler, vreadHandler } from './read';
import { searchHandler } from './search-handler';

/**
 * The route table, in match order. Everything the CapabilityStatement advertises comes from here.
 * Writes match nothing and are answered 405 by the router.
 */
export const DEFAULT_ROUTES: readonly Route[] = [
  { method: 'GET', pattern: ['metadata'], interaction: 'capabilities', handler: capabilitiesHandler },
  {
    method: 'GET',
    pattern: ['Patient', ':id', '$everything'],
    operation: { name: 'everything', definition: EVERYTHING_DEFINITION, level: 'instance' },
    handler: everythingHandler,
  },
  ...(['GET', 'POST'] as const).map((method): Route => ({ method, pattern: ['Patient', ':id', '$twin'], operation: { name: 'twin', definition: TWIN_DEFINITION, level: 'instance' }, handler: twinHandler })),
  { method: 'POST', pattern: ['Patient', '$twin'], operation: { name: 'twin', definition: TWIN_DEFINITION, level: 'type' }, handler: twinHandler },
  ...(['GET', 'POST'] as const).map(
    (method): Route => ({
      method,
      pattern: ['Group', '$cohort'],
      operation: { name: 'cohort', definition: COHORT_DEFINITION, level: 'type' },
      handler: cohortHandler,
    }),
  ),
  { method: 'GET', pattern: ['Group', ':id'], interaction: 'read', handler: groupReadHandler },
  ...EXPORT_ROUTES,
  { method: 'GET', pattern: [':type'], interaction: 'search-type', handler: searchHandler },
  { method: 'POST', pattern: [':type', '_search'], interaction: 'search-type', handler: searchHandler },
  { method: 'GET', pattern: [':type', ':id', '_history', ':vid'], interaction: 'vread', handler: vreadHandler },
  { method: 'GET', pattern: [':type', ':id', '_history'], interaction: 'history-instance', handler: historyHandler },
  { method: 'GET', pattern: [':type', ':id'], interaction: 'read', handler: readHandler },
];
