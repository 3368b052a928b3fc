// Rewrites citations of the design documents that used to live outside the repository
// (CONVENTIONS.md, DESIGN.md, a bare CONTRACTS) into citations of docs/: each cited section maps to
// the docs/ file and heading that now covers it.
//
//   node scripts/relink-docs.js           rewrite the files in place, list what changed
//   node scripts/relink-docs.js --check   list what would change; exit 1 if anything would
//
// test/unit/docs.test.ts applies RELINKS in memory to every citing file and checks that no bare
// citation is left and that every docs/ citation produced resolves to a heading.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

/**
 * [old text, new text], applied in this order, every occurrence. Specific entries come before the
 * general ones they would otherwise be caught by.
 */
const RELINKS = [
  // DESIGN.md "The model": the specific places first.
  ['the prototype\'s held-out likelihood chose 20 (DESIGN.md "The model")', 'the prototype\'s held-out likelihood chose 20 (docs/MODEL.md "What the prototype measured")'],
  ['(DESIGN.md: "fewer than k records (default 10)")', '(docs/MODEL.md "The contract")'],
  ['far above DESIGN.md\'s K ≈ 20-40', 'far above the K ≈ 20-40 of docs/MODEL.md "A mixture of latent classes"'],
  ['DESIGN.md "The model" (transforms)', 'docs/MODEL.md "Transforms"'],
  ['no training support at all. See: DESIGN.md "The model".', 'no training support at all. See: docs/MODEL.md "The contract".'],
  ['never a training record. See: DESIGN.md "The model"', 'never a training record. See: docs/MODEL.md "The contract"'],
  ['schema order. See: DESIGN.md "The model"', 'schema order. See: docs/MODEL.md "Exact conditioning"'],
  ['## The model (DESIGN.md "The model")', '## The model (docs/MODEL.md)'],
  ['DESIGN.md "The model"', 'docs/MODEL.md'],
  ['DESIGN.md notes scores move', 'docs/MODEL.md "What the prototype measured" notes scores move'],
  ['fewer than k = 10 records\n  // (DESIGN.md):', 'fewer than k = 10 records\n  // (docs/MODEL.md "The contract"):'],
  // DESIGN.md sections now in docs/ARCHITECTURE.md.
  ['DESIGN.md "a patient is a pure function"', 'docs/ARCHITECTURE.md "A patient is a pure function"'],
  ['DESIGN.md "IDs are derived"', 'docs/ARCHITECTURE.md "IDs are derived"'],
  ['DESIGN.md "A cohort id is a hash of its canonical spec plus the model hash"', 'docs/ARCHITECTURE.md "Cohort ids"'],
  ['DESIGN.md "Cohorts"', 'docs/ARCHITECTURE.md "Cohorts"'],
  ['DESIGN.md "Layers"', 'docs/ARCHITECTURE.md "Layers and imports"'],
  ['DESIGN.md "FHIR facade"', 'docs/ARCHITECTURE.md "The FHIR facade"'],
  ['DESIGN.md "From profile to timeline"', 'docs/ARCHITECTURE.md "From profile to timeline"'],
  ['DESIGN.md "Evaluation"', 'docs/ARCHITECTURE.md "Evaluation"'],
  // CONVENTIONS.md §1 (layout) and §2 (dependency direction) → docs/ARCHITECTURE.md.
  ['CONVENTIONS.md §1 "app.ts"', 'docs/ARCHITECTURE.md "Folders"'],
  ['CONVENTIONS.md §1 "http/"', 'docs/ARCHITECTURE.md "Folders"'],
  ['CONVENTIONS.md §2', 'docs/ARCHITECTURE.md "Layers and imports"'],
  ['CONVENTIONS §2', 'docs/ARCHITECTURE.md "Layers and imports"'],
  // CONVENTIONS.md §3 (house style), §4 (testing), §5 (examples) → docs/CONVENTIONS.md.
  ['CONVENTIONS.md §3 "Errors"', 'docs/CONVENTIONS.md "Errors"'],
  ['CONVENTIONS.md §3 "Randomness and time"', 'docs/CONVENTIONS.md "Randomness and time"'],
  ['CONVENTIONS.md §3:', 'docs/CONVENTIONS.md "Errors":'],
  ['CONVENTIONS.md §4 "Contract suites"', 'docs/CONVENTIONS.md "Contract suites"'],
  ['CONVENTIONS.md §5 example 1', 'docs/CONVENTIONS.md "A FHIR core without a web framework"'],
  ['CONVENTIONS.md §5 example 7', 'docs/CONVENTIONS.md "GraphQL: a generated schema, limits as validation rules"'],
  ['CONVENTIONS.md §3.', 'docs/CONVENTIONS.md "Errors".'],
  ['CONVENTIONS.md §5 example 4', 'docs/CONVENTIONS.md "Capabilities are built from the routes"'],
  ['CONVENTIONS.md §5 example 5', 'docs/CONVENTIONS.md "An operation is its OperationDefinition"'],
  ['CONVENTIONS.md §5 example 8', 'docs/CONVENTIONS.md "One interface, two implementations, one contract suite"'],
  // docs/CONTRACTS.md cited without a quoted heading, or without its folder.
  ['docs/CONTRACTS.md schema/.', 'docs/CONTRACTS.md "schema/".'],
  ['which CONTRACTS\nallows', 'which docs/CONTRACTS.md\nallows'],
];

/** Files that may cite the documents: sources, tests, scripts, bench, the README and the lint config. */
function citingFiles(root = ROOT) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (/\.(ts|md|js|mjs)$/.test(entry.name) && !SELF.has(rel)) out.push(rel);
    }
  };
  for (const dir of ['src', 'test', 'scripts', 'bench']) if (fs.existsSync(path.join(root, dir))) walk(dir);
  for (const file of ['README.md', 'eslint.config.mjs']) if (fs.existsSync(path.join(root, file))) out.push(file);
  return out;
}

/** Files that talk about the old citations on purpose (this script and its test). */
const SELF = new Set([path.join('scripts', 'relink-docs.js'), path.join('test', 'unit', 'docs.test.ts')]);

/** The text with every RELINKS entry applied. */
function relink(text) {
  let out = text;
  for (const [from, to] of RELINKS) out = out.split(from).join(to);
  return out;
}

function main(argv) {
  const check = argv.includes('--check');
  const changed = [];
  for (const file of citingFiles()) {
    const full = path.join(ROOT, file);
    const before = fs.readFileSync(full, 'utf8');
    const after = relink(before);
    if (after === before) continue;
    changed.push(file);
    if (!check) fs.writeFileSync(full, after);
  }
  for (const file of changed) process.stdout.write(`${check ? 'would relink' : 'relinked'} ${file}\n`);
  return check && changed.length > 0 ? 1 : 0;
}

module.exports = { RELINKS, relink, citingFiles, ROOT };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
