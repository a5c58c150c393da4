/**
 * Benchmark rows and how they print: an aligned table for people, or one JSON object per line
 * (`--json`) for scripts.
 */
import type { Pass } from './cases.ts';

export interface Row {
  backend: string;
  /** webgpu: the adapter it ran on (vendor, architecture, description). */
  adapter?: string;
  frames: number;
  size: number;
  pass: Pass;
  /** 'single': one pass at a time in this process (onnxruntime: `threads` intra-op threads); 'stream': an inference pool of `threads` workers. */
  mode: 'single' | 'stream';
  threads: number;
  batch: number;
  /** Median ms per clip (stream: wall time per clip with all threads busy). */
  ms: number;
  clips_per_s: number;
  /** Process CPU ms per clip (median for single; all threads for stream): tells contention from slowness. */
  cpu_ms?: number;
  /** Counted forward FLOPs; train = 3 × forward (see flops.ts). */
  gflops_per_clip: number;
  gflops_per_s: number;
  /** Training step time over forward time on the same backend and clip (train rows only). */
  train_over_forward?: number;
  /** The same rounds' fp32 GEMM peak (gemm_peak.ts), and this pass's share of it in % (onnxruntime rows). */
  gemm_gflops_per_s?: number;
  peak_pct?: number;
  /** The share by CPU time: GFLOP per CPU-second of the pass over the GEMM's (unchanged by time-slicing on shared cores). */
  peak_pct_cpu?: number;
  runs: number;
  warmup_ms: number;
  peak_tensor_mb?: number;
  max_rss_mb: number;
}

export function toJsonLine(row: Row): string {
  return JSON.stringify(row);
}

const COLUMNS: Array<[string, (r: Row) => string]> = [
  ['backend', (r) => r.backend],
  ['clip', (r) => `${r.frames}×${r.size}²`],
  ['pass', (r) => r.pass],
  ['mode', (r) => (r.mode === 'stream' ? `stream×${r.threads}` : 'single')],
  ['GFLOP/clip', (r) => r.gflops_per_clip.toFixed(1)],
  ['ms', (r) => r.ms.toFixed(0)],
  ['cpu ms', (r) => (r.cpu_ms === undefined ? '' : r.cpu_ms.toFixed(0))],
  ['clips/s', (r) => r.clips_per_s.toFixed(3)],
  ['GFLOP/s', (r) => r.gflops_per_s.toFixed(1)],
  ['train/fwd', (r) => (r.train_over_forward === undefined ? '' : r.train_over_forward.toFixed(2))],
  ['% GEMM peak', (r) => (r.peak_pct === undefined ? '' : r.peak_pct.toFixed(0))],
  ['% by CPU time', (r) => (r.peak_pct_cpu === undefined ? '' : r.peak_pct_cpu.toFixed(0))],
  ['runs', (r) => String(r.runs)],
  ['warm-up ms', (r) => r.warmup_ms.toFixed(0)],
  ['peak tensors MB', (r) => (r.peak_tensor_mb === undefined ? '' : r.peak_tensor_mb.toFixed(0))],
  ['max RSS MB', (r) => r.max_rss_mb.toFixed(0)],
];

/** The rows as an aligned text table. */
export function table(rows: Row[]): string {
  const cells = [COLUMNS.map(([h]) => h), ...rows.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i < 4 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
