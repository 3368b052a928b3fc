// Makes the CLI entry executable after tsc (npm links it as `synthfhir`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const cli = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);

// Lists the SHA-256 of each shipped model file that the full validation (parseModel) accepts, so
// the CLI can compile those exact bytes without validating them again (issue 11 §4; cli/inputs.ts).
const crypto = require('node:crypto');
const seeds = path.join(__dirname, '..', 'seeds');
const trusted = [];
if (fs.existsSync(path.join(__dirname, '..', 'dist', 'model', 'index.js')) && fs.existsSync(seeds)) {
  const { parseModel } = require('../dist/model');
  for (const name of fs.readdirSync(seeds).filter((n) => n.endsWith('.model.json')).sort()) {
    const text = fs.readFileSync(path.join(seeds, name), 'utf8');
    try {
      parseModel(JSON.parse(text));
      trusted.push(crypto.createHash('sha256').update(text).digest('hex'));
    } catch (e) {
      console.warn(`postbuild: ${name} does not validate, so it is not trusted: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
fs.writeFileSync(path.join(__dirname, '..', 'dist', 'trusted-models.json'), JSON.stringify(trusted) + '\n');
