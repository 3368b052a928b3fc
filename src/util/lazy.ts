import type * as Zod from 'zod';

/** A value built on first use, then kept. */
export function lazy<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}

/**
 * zod, loaded on first use. Loading it costs about 90 ms of CPU (95 modules); a command that only
 * reads files it already trusts (`synthfhir sample` on the shipped model) never needs it
 * (issue 11 §4: `sample --n 1` start-up). Validation code asks for it when it validates.
 */
export const zod = lazy(
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred load has to be a require in CommonJS output
  (): typeof Zod => require('zod') as typeof Zod,
);
