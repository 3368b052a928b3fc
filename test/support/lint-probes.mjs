// Lints probe sources with the project's eslint.config.mjs, for test/unit/lint/. Jest cannot load the
// ESM config in its VM, so the test runs this script in a child process: stdin is a JSON array of
// { filePath, code } (filePath relative to the repository root; the file need not exist), stdout a JSON
// object { confined, results }: the packages eslint.layers.mjs confines, and one
// { filePath, messages: [{ ruleId, message }] } per probe, in order.
//
// The probes are linted without type information (tseslint's disableTypeChecked appended to the real
// config): the typed project service refuses files that are not on disk, and no rule under test needs
// types. import/no-cycle is off too: it walks the whole import graph and is not under test here.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

import { CONFINED } from '../../eslint.layers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const probes = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [tseslint.configs.disableTypeChecked, { rules: { 'import/no-cycle': 'off' } }],
});
const out = [];
for (const { filePath, code } of probes) {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath), warnIgnored: true });
  out.push({ filePath, messages: result.messages.map(({ ruleId, message }) => ({ ruleId, message })) });
}
process.stdout.write(JSON.stringify({ confined: Object.keys(CONFINED), results: out }));
