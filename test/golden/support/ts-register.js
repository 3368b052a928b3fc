// Minimal require hook: transpiles .ts with TypeScript's transpileModule (as ts-jest does) so a
// child process can run the generator under another TZ without a build. Used by
// test/golden/timezones.test.ts and scripts (e.g. scripts/update-golden.ts).
'use strict';
const { addHook } = require('pirates');
const ts = require('typescript');

// Transpiled output by file and source: a child that reloads modules (print-digest.ts) transpiles each once.
const transpiled = new Map();

addHook(
  (code, filename) => {
    const key = `${filename}\0${code}`;
    const hit = transpiled.get(key);
    if (hit !== undefined) return hit;
    const out = ts.transpileModule(code, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        inlineSourceMap: true,
      },
    }).outputText;
    transpiled.set(key, out);
    return out;
  },
  { exts: ['.ts'], ignoreNodeModules: true },
);
