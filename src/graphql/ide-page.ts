/**
 * The offline GraphQL IDE: one small HTML page with its own script (no CDN, nothing loaded from
 * anywhere but this server): a query box, a variables box, a Run button (Ctrl+Enter), the result,
 * and the schema's documentation read by introspection (types, fields, arguments; click to follow).
 * Served at GET /graphql and GET /fhir/$graphql when the client asks for text/html.
 */

/** The introspection query the page runs (small: names, kinds, fields, arguments, descriptions). */
export const IDE_INTROSPECTION_QUERY =
  '{ __schema { queryType { name } mutationType { name } types { name kind description ' +
  'fields { name description args { name type { ...T } } type { ...T } } ' +
  'inputFields { name type { ...T } } enumValues { name } } } } ' +
  'fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';

/**
 * The page's logic, DOM-free (unit-tested in Node): type references as text and the docs of one
 * type as lines. The page's script embeds these functions' source.
 */
export function typeRefText(t: { kind: string; name?: string | null; ofType?: unknown } | null | undefined): string {
  if (t === null || t === undefined) return '?';
  const inner = t.ofType as Parameters<typeof typeRefText>[0];
  if (t.kind === 'NON_NULL') return `${typeRefText(inner)}!`;
  if (t.kind === 'LIST') return `[${typeRefText(inner)}]`;
  return t.name ?? '?';
}

interface IdeType {
  name: string;
  kind: string;
  description?: string | null;
  fields?: { name: string; description?: string | null; args?: { name: string; type: unknown }[]; type: unknown }[] | null;
  inputFields?: { name: string; type: unknown }[] | null;
  enumValues?: { name: string }[] | null;
}

/** The documentation lines of one type: `name(arg: T, ...): Type` per field. */
export function typeDocLines(t: IdeType): string[] {
  const ref = (x: unknown): string => typeRefText(x as Parameters<typeof typeRefText>[0]);
  const lines = [`${t.kind.toLowerCase()} ${t.name}`];
  if (t.description) lines.push(t.description);
  for (const f of t.fields ?? []) {
    const args = (f.args ?? []).map((a) => `${a.name}: ${ref(a.type)}`).join(', ');
    lines.push(`  ${f.name}${args === '' ? '' : `(${args})`}: ${ref(f.type)}`);
  }
  for (const f of t.inputFields ?? []) lines.push(`  ${f.name}: ${ref(f.type)}`);
  for (const v of t.enumValues ?? []) lines.push(`  ${v.name}`);
  return lines;
}

const STYLE = `
body{font:14px system-ui,sans-serif;margin:0;display:grid;grid-template-columns:1fr 1fr 22rem;height:100vh}
textarea,pre{font:13px ui-monospace,monospace;box-sizing:border-box;width:100%;margin:0}
#left{display:flex;flex-direction:column;padding:.5rem;gap:.5rem}#query{flex:3}#variables{flex:1}
#result{padding:.5rem;overflow:auto;background:#f6f8fa;white-space:pre-wrap}
#docs{padding:.5rem;overflow:auto;border-left:1px solid #ddd}#docs a{cursor:pointer;color:#0366d6}
button{font-size:14px;padding:.3rem 1rem}`;

/** The page for an endpoint (`/graphql` or `/fhir/$graphql`). */
export function idePage(endpoint: string, title: string, sample: string): string {
  const script = `
const ENDPOINT = ${JSON.stringify(endpoint)};
const INTROSPECTION = ${JSON.stringify(IDE_INTROSPECTION_QUERY)};
const typeRefText = ${typeRefText.toString()};
const typeDocLines = ${typeDocLines.toString()};
const $ = (id) => document.getElementById(id);
async function post(query, variables) {
  const res = await fetch(ENDPOINT, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }) });
  return res.json();
}
async function run() {
  let variables;
  const v = $('variables').value.trim();
  if (v !== '') { try { variables = JSON.parse(v); } catch (e) { $('result').textContent = 'Variables are not JSON: ' + e.message; return; } }
  $('result').textContent = 'Running...';
  try { $('result').textContent = JSON.stringify(await post($('query').value, variables), null, 2); }
  catch (e) { $('result').textContent = 'Request failed: ' + e.message; }
  $('result').dataset.done = String(Number($('result').dataset.done || '0') + 1);
}
let types = new Map();
function show(name) {
  const t = types.get(name);
  const docs = $('docs');
  docs.textContent = '';
  const back = document.createElement('a'); back.textContent = '< all types'; back.onclick = () => listTypes(); docs.append(back);
  const pre = document.createElement('pre');
  for (const line of typeDocLines(t)) {
    const row = document.createElement('div');
    const m = /: \\[?([A-Za-z_][A-Za-z0-9_]*)[\\]!]*$/.exec(line);
    if (m && types.has(m[1]) && m[1] !== name) {
      row.append(line.slice(0, m.index + 2));
      const a = document.createElement('a'); a.textContent = line.slice(m.index + 2); a.onclick = () => show(m[1]); row.append(a);
    } else row.textContent = line;
    pre.append(row);
  }
  docs.append(pre);
}
function listTypes() {
  const docs = $('docs');
  docs.textContent = '';
  const h = document.createElement('h3'); h.textContent = 'Schema'; docs.append(h);
  for (const name of [...types.keys()].filter((n) => !n.startsWith('__')).sort()) {
    const a = document.createElement('a'); a.textContent = name; a.onclick = () => show(name);
    const d = document.createElement('div'); d.append(a); docs.append(d);
  }
}
async function loadDocs() {
  try {
    const r = await post(INTROSPECTION);
    if (!r.data) { $('docs').textContent = 'Schema docs unavailable: ' + JSON.stringify(r.errors); return; }
    types = new Map(r.data.__schema.types.map((t) => [t.name, t]));
    listTypes();
    $('docs').dataset.loaded = 'true';
  } catch (e) { $('docs').textContent = 'Schema docs unavailable: ' + e.message; }
}
$('run').onclick = run;
$('query').addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });
loadDocs();
`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><div id="left"><div><b>${title}</b> — POST ${endpoint} <button id="run" title="Ctrl+Enter">Run</button></div>
<textarea id="query" spellcheck="false" aria-label="query">${escapeHtml(sample)}</textarea>
<textarea id="variables" spellcheck="false" aria-label="variables" placeholder='variables (JSON), e.g. {"id": "..."}'></textarea></div>
<pre id="result" aria-live="polite"></pre><div id="docs">Loading schema...</div>
<script>${script}</script></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
