// Child-process entry for timezones.test.ts. For each zone named on the command line: switch this
// process to it (Node re-reads process.env.TZ when it is assigned), drop every module of the
// repository from the require cache so that nothing computed under the previous zone survives, and
// compute the golden digest. Prints one JSON array: { tz, offsetMinutes, digest } per zone.
import type * as GoldenCases from '../golden-cases';

const ROOT = `${__dirname.slice(0, __dirname.lastIndexOf('/test/'))}/`;

const results = process.argv.slice(2).map((zone) => {
  process.env.TZ = zone;
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(ROOT) && !key.includes('/node_modules/') && key !== __filename) delete require.cache[key];
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the modules, after the zone changed
  const { everythingDigest } = require('../golden-cases') as typeof GoldenCases;
  return {
    tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
    // What Date itself now believes: the local offset at 2020-01-01T00:00Z, in minutes.
    offsetMinutes: new Date(Date.UTC(2020, 0, 1)).getTimezoneOffset(),
    digest: everythingDigest(),
  };
});
process.stdout.write(JSON.stringify(results));
