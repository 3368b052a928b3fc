import type { Report } from '../report';
import {
  COLORS,
  correlationColor,
  distributionSvg,
  esc,
  fmt,
  groupedBarsSvg,
  hbarChart,
  heatmapSvg,
  rocSvg,
  scoreColor,
} from './svg';

/**
 * The report as one self-contained HTML page: inline CSS and SVG only (no script, no fonts, no
 * CDN, no external URL), rendered from report.json alone. Sections follow the JSON: goals, then
 * fidelity, subgroups, detection, utility, privacy, fairness, and the metric glossary.
 */

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1180px;padding:16px 24px;color:#222}
h1{font-size:24px;margin:8px 0}h2{font-size:19px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right;font-variant-numeric:tabular-nums}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.met{color:#1b7e4f;font-weight:bold}.miss{color:#c0392b;font-weight:bold}
.grid{display:flex;flex-wrap:wrap;gap:6px}.note{color:#555;font-size:13px}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
code{background:#f4f4f4;padding:0 3px}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:150px}
.card b{font-size:22px;display:block}.card small{color:#666}`;

/** Renders the report page. */
export function renderReportHtml(r: Report): string {
  const parts: string[] = [];
  parts.push(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`);
  parts.push(`<title>${esc(r.title)} — model ${esc(r.model.shippedHash ?? r.model.hash).slice(0, 12)}</title><style>${STYLE}</style></head><body>`);
  parts.push(`<h1>${esc(r.title)}</h1>`);
  parts.push(header(r));
  parts.push(goals(r));
  parts.push(fidelity(r));
  parts.push(subgroups(r));
  parts.push(crossCycle(r));
  parts.push(plausibility(r));
  parts.push(detection(r));
  parts.push(utility(r));
  parts.push(privacy(r));
  parts.push(fairness(r));
  parts.push(glossary(r));
  parts.push('</body></html>');
  return parts.join('\n');
}

/** Quality against another survey cycle, beside real training rows against it (the ceiling). */
function crossCycle(r: Report): string {
  const x = r.crossCycle;
  if (x === undefined) return '';
  const row = (label: string, q: { score: number; columnShapes: number; columnPairs: number }): string =>
    `<tr><td>${label}</td><td>${fmt(q.score)}</td><td>${fmt(q.columnShapes)}</td><td>${fmt(q.columnPairs)}</td></tr>`;
  return `<h2>Another survey cycle</h2><p class="note">Quality against <code>${esc(x.name)}</code> (${x.rows} rows, validation only: never used to fit), beside the real training rows scored against the same cycle (the real-vs-real cross-cycle ceiling). A model right only on its own cycle would fall well below that ceiling.</p>
<table><tr><th>scored against the other cycle</th><th>score</th><th>column shapes</th><th>column pairs</th></tr>${row('synthetic', x.quality)}${row('real training rows (ceiling)', x.ceiling)}</table><p>Gap to the ceiling: <b>${fmt(x.gap)}</b></p>`;
}

/** Plausibility rules: violations per 10,000 rows, synthetic against real. */
function plausibility(r: Report): string {
  const p = r.plausibility;
  if (p === undefined) return '';
  const cell = (x: { violations: number; per10k: number } | undefined): string => (x === undefined ? '<td>–</td>' : `<td>${fmt(x.per10k, 2)} (${x.violations})</td>`);
  const other = p.rules.some((l) => l.crossCycle !== undefined);
  const rows = p.rules
    .map((l) => `<tr><td>${esc(l.id)}</td><td>${esc(l.description)}</td>${cell(l.synthetic)}${cell(l.real)}${other ? cell(l.crossCycle) : ''}<td class="note">${esc(l.source)}</td></tr>`)
    .join('');
  return `<h2>Plausibility</h2><p class="note">Rules a clinician expects of one person (src/schema/plausibility.ts). Violations per 10,000 rows (count); a rule the real data breaks would be a wrong rule.</p>
<table><tr><th>rule</th><th>what</th><th>synthetic</th><th>real</th>${other ? '<th>other cycle</th>' : ''}<th>source</th></tr>${rows}</table>`;
}

const legend = `<p class="legend note"><span style="background:${COLORS.real}"></span>real (holdout, weighted)<span style="background:${COLORS.synthetic}"></span>synthetic<span style="background:${COLORS.ceiling}"></span>ceiling (real vs real)</p>`;

function header(r: Report): string {
  const m = r.model;
  const rows = [
    ['evaluated model', `<code>${esc(m.hash)}</code>`],
    ...(m.shippedHash !== undefined ? [['shipped model it stands for', `<code>${esc(m.shippedHash)}</code>`]] : []),
    ['synthetic rows (n)', String(r.n)],
    ['seed', esc(String(r.seed))],
    ['training (member) rows', String(r.data.realRows)],
    ['holdout rows', `${r.data.holdoutRows} (${esc(r.data.reference)})`],
    ['survey weights', r.data.weights === null ? 'none' : `<code>${esc(r.data.weights)}</code> (normalised)`],
    ['columns compared', String(r.data.columns.length)],
    ...(r.data.split !== null ? [['split', esc(r.data.split)]] : []),
    ...(m.kFloor !== undefined ? [['model k-floor', String(m.kFloor)]] : []),
  ];
  const notes = r.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('');
  return `<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>${notes}`;
}

function goals(r: Report): string {
  const cards = [
    ['quality score', r.quality.score, r.ceiling.quality.score],
    ['detection AUC', r.detection.auc, r.ceiling.detection.auc],
    ['exact-match rate', r.privacy.exactMatchRate, r.ceiling.privacy.exactMatchRate],
    ['DCR ratio', r.privacy.dcrRatio, r.ceiling.privacy.dcrRatio],
  ]
    .map(([k, v, c]) => `<div class="card"><small>${k as string}</small><b>${fmt(v as number)}</b><small>ceiling ${fmt(c as number)}</small></div>`)
    .join('');
  const rows = r.goals
    .map(
      (g) =>
        `<tr><td>${esc(g.name)}</td><td><code>${esc(g.key)}</code></td><td>${fmt(g.value)}</td><td>${esc(g.target)}</td><td>${fmt(g.ceiling)}</td><td class="${g.met ? 'met' : 'miss'}">${g.met ? 'met' : 'not met'}</td></tr>`,
    )
    .join('');
  return `<h2>Goals</h2><div class="cards">${cards}</div><table><tr><th>goal</th><th>key</th><th>value</th><th>target</th><th>ceiling</th><th></th></tr>${rows}</table>`;
}

function fidelity(r: Report): string {
  const q = r.quality;
  const cols = [...q.columns].sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  const shapes = hbarChart(
    'Column shapes: KSComplement / TVComplement per column (orange tick: ceiling)',
    cols.map((c) => ({ label: c.name, value: c.score, ...(c.ceiling === undefined ? {} : { ceiling: c.ceiling }) })),
    Math.min(0.5, ...cols.map((c) => c.score).filter(Number.isFinite)),
    1,
  );
  const dists = q.columns
    .map((c) => distributionSvg(`${c.name} (${fmt(c.score, 2)})`, c.distribution.real, c.distribution.synthetic, c.distribution.labels))
    .join('');
  const table = q.columns
    .map(
      (c) =>
        `<tr><td>${esc(c.name)}</td><td>${esc(c.metric)}</td><td>${fmt(c.score)}</td><td>${fmt(c.ceiling)}</td><td>${fmt(c.missingReal)}</td><td>${fmt(c.missingSynthetic)}</td><td>${fmt(c.missingDifference)}</td></tr>`,
    )
    .join('');
  // Hover titles only where a pair falls short: thousands of titles would make the page heavy.
  const pairs = heatmapSvg('Column pair trends: score per pair (hover a weak cell)', q.pairMatrix.columns, q.pairMatrix.scores, scoreColor, 9, (v) => v < 0.9);
  const corr = q.correlations;
  const worst = q.worstPairs
    .map(
      (p) =>
        `<tr><td>${esc(p.a)} × ${esc(p.b)}</td><td>${esc(p.metric)}</td><td>${fmt(p.score)}</td><td>${fmt(p.realCorrelation)}</td><td>${fmt(p.syntheticCorrelation)}</td></tr>`,
    )
    .join('');
  return `<h2>Fidelity</h2>
<div class="cards"><div class="card"><small>quality score</small><b>${fmt(q.score)}</b><small>ceiling ${fmt(r.ceiling.quality.score)}</small></div>
<div class="card"><small>column shapes</small><b>${fmt(q.columnShapes)}</b><small>ceiling ${fmt(r.ceiling.quality.columnShapes)}</small></div>
<div class="card"><small>column pairs</small><b>${fmt(q.columnPairs)}</b><small>ceiling ${fmt(r.ceiling.quality.columnPairs)}</small></div>
<div class="card"><small>score over ${q.acrossSeeds.length} sampling seeds</small><b>${fmt(Math.min(...q.acrossSeeds.map((x) => x.score)))}–${fmt(Math.max(...q.acrossSeeds.map((x) => x.score)))}</b><small>sampling noise</small></div>
<div class="card"><small>score vs training rows</small><b>${fmt(q.vsTraining.score)}</b><small>ceiling ${fmt(r.ceiling.quality.vsTraining.score)}</small></div></div>
<p class="note">SDMetrics QualityReport definitions: shapes average KSComplement (numeric) and TVComplement (categorical, missing as a category); pairs average CorrelationSimilarity (two numeric columns, Pearson) and ContingencySimilarity (otherwise; numbers in 10 equal-width bins of the real column); score = mean of the two. The reference is the weighted holdout (data the model never saw); "vs training rows" is SDMetrics' usual reference, the rows the model was fitted on.</p>
${legend}<h3>Column shapes</h3>${shapes}
<h3>Distributions</h3><div class="grid">${dists}</div>
<h3>Per column (missing = share of empty cells)</h3><table><tr><th>column</th><th>metric</th><th>score</th><th>ceiling</th><th>missing real</th><th>missing synthetic</th><th>|Δ missing|</th></tr>${table}</table>
<h3>Column pair trends</h3>${pairs}
<h3>Pearson correlations: real below the diagonal, synthetic above (red +, blue −)</h3>${heatmapSvg('Pearson correlations, real (lower) and synthetic (upper)', corr.columns, corr.real, correlationColor, 11, () => true, corr.synthetic)}
<h3>Weakest pairs</h3><table><tr><th>pair</th><th>metric</th><th>score</th><th>ρ real</th><th>ρ synthetic</th></tr>${worst}</table>`;
}

function subgroups(r: Report): string {
  const g = r.subgroups;
  if (g.groups.length === 0) return '';
  const chart = hbarChart(
    `Quality score per subgroup (${g.variables.join(' × ')})`,
    g.groups.map((x) => ({ label: x.subgroup, value: x.score, ...(x.ceilingScore === undefined ? {} : { ceiling: x.ceilingScore }) })),
    0.5,
    1,
    640,
  );
  const rows = g.groups
    .map(
      (x) =>
        `<tr><td>${esc(x.subgroup)}</td><td>${x.nReal}</td><td>${x.nSynthetic}</td><td>${fmt(x.score)}</td><td>${fmt(x.ceilingScore)}</td><td>${fmt(x.columnShapes)}</td><td>${fmt(x.columnPairs)}</td><td>${fmt(x.missingDifference.mean)}</td><td>${fmt(x.missingDifference.max)} ${esc(x.missingDifference.column)}</td><td>${x.worstColumns.map((c) => `${esc(c.name)} ${fmt(c.score, 2)}`).join(', ')}</td></tr>`,
    )
    .join('');
  return `<h2>Fidelity per subgroup</h2><p class="note">Small subgroups have low ceilings: with few real rows, even real data scores lower against itself.</p>${chart}<table><tr><th>subgroup</th><th>n real</th><th>n synthetic</th><th>score</th><th>ceiling</th><th>shapes</th><th>pairs</th><th>mean |Δ missing|</th><th>largest |Δ missing|</th><th>weakest columns</th></tr>${rows}</table>`;
}

function detection(r: Report): string {
  const d = r.detection;
  const c = r.ceiling.detection;
  const roc = rocSvg('Detection ROC (logistic, out of fold)', [{ label: `logistic AUC ${fmt(d.auc)}`, fpr: d.roc.fpr, tpr: d.roc.tpr, color: COLORS.synthetic }]);
  const gbmCols =
    d.gbmTopColumns === undefined
      ? ''
      : `<div><h3>Columns the trees split on (share of gain)</h3><table><tr><th>column</th><th>share</th></tr>${d.gbmTopColumns.map((c) => `<tr><td>${esc(c.column)}</td><td>${fmt(c.share)}</td></tr>`).join('')}</table></div>`;
  const feats = d.topFeatures.map((f) => `<tr><td>${esc(f.feature)}</td><td>${fmt(f.coefficient)}</td></tr>`).join('');
  return `<h2>Detection</h2><p class="note">Cross-validated (${d.folds}-fold, ${d.rowsPerClass} rows a class) ROC AUC of classifiers told to separate real holdout rows from synthetic rows. 0.5 = indistinguishable; a ceiling a little under 0.5 is the known downward bias of cross-validated AUC when there is nothing to find.</p>
<table><tr><th>classifier</th><th>AUC</th><th>ceiling (train vs holdout)</th></tr><tr><td>logistic regression (detection.auc)</td><td>${fmt(d.auc)}</td><td>${fmt(c.auc)}</td></tr><tr><td>gradient-boosted trees</td><td>${fmt(d.gbmAuc)}</td><td>${fmt(c.gbmAuc)}</td></tr></table>
<div class="grid">${roc}<div><h3>What gives synthetic rows away (logistic coefficients; + = synthetic)</h3><table><tr><th>feature</th><th>coefficient</th></tr>${feats}</table></div>${gbmCols}</div>`;
}

function utility(r: Report): string {
  const tasks = r.utility.tasks;
  if (tasks.length === 0) return '';
  const chart = groupedBarsSvg(
    'TSTR vs TRTR AUC per task',
    tasks.map((t) => ({
      label: t.target,
      bars: [
        { name: 'TRTR (train real)', value: t.trtrAuc, color: COLORS.real },
        { name: 'TSTR (train synthetic)', value: t.tstrAuc, color: COLORS.synthetic },
      ],
    })),
    0.5,
    1,
  );
  const rows = tasks
    .map((t) => `<tr><td>${esc(t.target)}</td><td>${fmt(t.trtrAuc)}</td><td>${fmt(t.tstrAuc)}</td><td>${fmt(t.gap)}</td><td>${t.tstrAcrossSeeds.map((x) => fmt(x.auc)).join(', ')}</td><td>${t.nTrainReal}</td><td>${t.nTrainSynthetic}</td><td>${t.nTest}</td><td class="note">${esc(t.excluded.join(', ') || '—')}</td></tr>`)
    .join('');
  const sub = tasks
    .map(
      (t) =>
        `<h3>${esc(t.target)} per subgroup</h3><table><tr><th>subgroup</th><th>n</th><th>positives</th><th>TRTR</th><th>TSTR</th><th>gap</th></tr>${t.subgroups
          .map((s) => `<tr><td>${esc(s.subgroup)}</td><td>${s.n}</td><td>${s.positives}</td><td>${fmt(s.trtrAuc)}</td><td>${fmt(s.tstrAuc)}</td><td>${fmt(s.trtrAuc - s.tstrAuc)}</td></tr>`)
          .join('')}</table>`,
    )
    .join('');
  return `<h2>Utility</h2><p class="note">Logistic regression predicting each diagnosis from the other variables (follow-up items of the diagnosis left out), trained on real training rows (TRTR) or on synthetic rows (TSTR), both tested on the real holdout (weighted AUC). The ceiling of TSTR is TRTR.</p>${chart}
<table><tr><th>target</th><th>TRTR AUC</th><th>TSTR AUC</th><th>gap</th><th>TSTR over sampling seeds</th><th>n train real</th><th>n train synthetic</th><th>n test</th><th>left out</th></tr>${rows}</table>${sub}`;
}

function privacy(r: Report): string {
  const p = r.privacy;
  const c = r.ceiling.privacy;
  const mia = p.mia
    .map((m) => {
      const ce = c.mia.find((x) => x.attack === m.attack);
      return `<tr><td>${esc(m.attack)}</td><td>${fmt(m.auc)}</td><td>${fmt(ce?.auc)}</td><td>${m.members}</td><td>${m.nonMembers}</td></tr>`;
    })
    .join('');
  const palette = [COLORS.synthetic, COLORS.target, COLORS.ceiling];
  const roc = p.mia.length > 0 ? rocSvg('Membership-inference ROC', p.mia.map((m, i) => ({ label: `${m.attack} ${fmt(m.auc)}`, fpr: m.roc.fpr, tpr: m.roc.tpr, color: palette[i % palette.length] }))) : '';
  const d = p.dcr;
  const dcr =
    d === null
      ? '<p class="note">No holdout: distance-to-closest-record baseline not computed.</p>'
      : `<table><tr><th></th><th>median DCR</th><th>5th percentile</th></tr><tr><td>synthetic → train</td><td>${fmt(d.syntheticMedian, 4)}</td><td>${fmt(d.syntheticP5, 4)}</td></tr><tr><td>holdout → train (baseline)</td><td>${fmt(d.holdoutMedian, 4)}</td><td>${fmt(d.holdoutP5, 4)}</td></tr><tr><td>ratio</td><td>${fmt(d.dcrRatio)}</td><td>${fmt(d.p5Ratio)}</td></tr></table>
<p>Share of synthetic rows closer to the training set than to an equally large holdout set: <b>${fmt(d.closerToTrainShare)}</b> (0.5 = no preference).</p>
${distributionSvg('DCR histogram: holdout→train (grey) vs synthetic→train (teal)', d.histogram.holdout, d.histogram.synthetic, undefined, 420, 170)}`;
  return `<h2>Privacy</h2>
<div class="cards"><div class="card"><small>exact-match rate</small><b>${fmt(p.exactMatchRate, 4)}</b><small>ceiling ${fmt(c.exactMatchRate, 4)}</small></div><div class="card"><small>DCR ratio (synthetic / holdout)</small><b>${fmt(p.dcrRatio)}</b><small>ceiling ${fmt(c.dcrRatio)}</small></div><div class="card"><small>model k-floor</small><b>${p.kFloor ?? '–'}</b><small>min records behind a cell</small></div></div>
<h3>Distance to closest record (Gower distance over the model's variables)</h3>${dcr}
<h3>Membership inference (members = training rows, non-members = holdout rows)</h3><table><tr><th>attack</th><th>AUC</th><th>ceiling</th><th>members</th><th>non-members</th></tr>${mia}</table>${roc}`;
}

function fairness(r: Report): string {
  const f = r.fairness;
  if (f.representation.length === 0) return '';
  const rep = (rows: typeof f.representation): string =>
    groupedBarsSvg(
      'Representation per stratum',
      rows.map((s) => ({
        label: s.stratum.length > 16 ? `${s.stratum.slice(0, 15)}…` : s.stratum,
        bars: [
          { name: 'population (weighted real)', value: s.population, color: COLORS.real },
          { name: 'synthetic', value: s.synthetic, color: COLORS.synthetic },
          ...(s.target === undefined ? [] : [{ name: 'target', value: s.target, color: COLORS.target }]),
        ],
      })),
      0,
      Math.max(0.05, ...rows.flatMap((s) => [s.population, s.synthetic, s.target ?? 0])),
      220,
    );
  const table = (rows: typeof f.representation): string =>
    `<table><tr><th>stratum</th><th>population</th><th>synthetic</th><th>target</th><th>n</th></tr>${rows
      .map((s) => `<tr><td>${esc(s.stratum)}</td><td>${fmt(s.population)}</td><td>${fmt(s.synthetic)}</td><td>${fmt(s.target)}</td><td>${s.n}</td></tr>`)
      .join('')}</table>`;
  let out = `<h2>Fairness</h2><h3>Representation in the synthetic sample (${esc(f.variables.join(' × '))})</h3><p>Mean |synthetic − population| share: <b>${fmt(f.meanRepresentationGap, 4)}</b></p>${rep(f.representation)}${table(f.representation)}`;
  const b = f.balancedCohort;
  if (b !== undefined) {
    out += `<h3>Balanced cohort (${b.size} patients, balanced over ${esc(b.variables.join(' × '))})</h3>
<p>Largest deviation from the target share: <b>${fmt(b.maxTargetDeviation, 4)}</b>. Column shapes vs the population: importance-weighted <b>${fmt(b.weightedColumnShapes)}</b>, unweighted <b>${fmt(b.unweightedColumnShapes)}</b> (re-weighting should restore the population).</p>${rep(b.representation)}${table(b.representation)}`;
  }
  return out;
}

function glossary(r: Report): string {
  const rows = r.metrics
    .map((m) => `<tr><td>${esc(m.name)}</td><td>${esc(m.goal)}</td><td>${m.min} – ${m.max >= Number.MAX_SAFE_INTEGER ? '∞' : m.max}</td><td style="text-align:left"><code>${esc(m.formula)}</code></td></tr>`)
    .join('');
  return `<h2>Metrics</h2><table><tr><th>metric</th><th>goal</th><th>range</th><th>formula</th></tr>${rows}</table><p class="note">${esc(r.ceiling.description)}</p>`;
}
