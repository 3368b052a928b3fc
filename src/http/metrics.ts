import type { LruStats } from '../cohort';

/** What the app reports at /metrics beyond the process figures: each cache's counters, by name. */
export interface MetricsSnapshot {
  readonly caches: Readonly<Record<string, LruStats>>;
}

/** The Prometheus text exposition format's content type (version 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly samples: readonly (readonly [labels: string, value: number])[];
}

function number(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * /metrics in Prometheus text format: per cache (label `cache`) its bytes, byte bound, entries,
 * hits, misses and evictions; the process's resident set and V8 heap.
 */
export function formatMetrics(snapshot: MetricsSnapshot, memory: NodeJS.MemoryUsage): string {
  const caches = Object.entries(snapshot.caches);
  const perCache = (name: string, help: string, type: Family['type'], pick: (s: LruStats) => number): Family => ({
    name,
    help,
    type,
    samples: caches.map(([cache, s]) => [`{cache="${escapeLabel(cache)}"}`, pick(s)] as const),
  });
  const families: Family[] = [
    perCache('synthfhir_cache_bytes', 'Estimated bytes held by the cache.', 'gauge', (s) => s.bytes),
    perCache('synthfhir_cache_max_bytes', 'Byte bound of the cache (+Inf: bounded by entries only).', 'gauge', (s) => s.maxBytes),
    perCache('synthfhir_cache_entries', 'Entries held by the cache.', 'gauge', (s) => s.entries),
    perCache('synthfhir_cache_hits_total', 'Lookups answered by the cache.', 'counter', (s) => s.hits),
    perCache('synthfhir_cache_misses_total', 'Lookups the cache could not answer.', 'counter', (s) => s.misses),
    perCache('synthfhir_cache_evictions_total', 'Entries dropped to keep the cache within its bounds.', 'counter', (s) => s.evictions),
    { name: 'process_resident_memory_bytes', help: 'Resident set size in bytes.', type: 'gauge', samples: [['', memory.rss]] },
    { name: 'nodejs_heap_size_used_bytes', help: 'V8 heap used in bytes.', type: 'gauge', samples: [['', memory.heapUsed]] },
    { name: 'nodejs_heap_size_total_bytes', help: 'V8 heap allocated in bytes.', type: 'gauge', samples: [['', memory.heapTotal]] },
    { name: 'nodejs_external_memory_bytes', help: 'Memory of C++ objects bound to JavaScript (buffers) in bytes.', type: 'gauge', samples: [['', memory.external]] },
  ];
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const [labels, value] of f.samples) lines.push(`${f.name}${labels} ${number(value)}`);
  }
  return lines.join('\n') + '\n';
}
