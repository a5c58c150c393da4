/**
 * `s3dg inspect PATH`: what a checkpoint, SavedModel, event file or TFRecord holds (each record
 * a tf.Example, a tf.SequenceExample or other bytes shown as length + preview), as text
 * or (`--json`) as JSON; `--values` includes every value instead of the leading few.
 */
import type { Command } from 'commander';
import {
  inspectPath,
  type FeatureSummary,
  type Inspection,
  type RecordSummary,
  type MetaGraphSummary,
  type TensorSummary,
  type JsonValue,
  type Signature,
} from '../../core/index.ts';
import { nodePlatform } from '../platform.ts';

interface InspectFlags {
  json?: boolean;
  values?: boolean;
}

function shapeText(shape: number[] | null): string {
  return shape === null ? '<unknown rank>' : `[${shape.join(',')}]`;
}

function valuesText(values: JsonValue[], total: number): string {
  const shown = values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ');
  return total > values.length ? `${shown}, …` : shown;
}

function tensorLines(tensors: TensorSummary[]): string[] {
  const width = Math.min(60, Math.max(...tensors.map((t) => t.name.length), 4));
  return tensors.map((t) => {
    const count = t.shape.reduce((a, b) => a * b, 1);
    return `  ${t.name.padEnd(width)}  ${t.dtype.padEnd(7)} ${shapeText(t.shape).padEnd(16)} ${valuesText(t.values, count)}`;
  });
}

function signatureLines(key: string, s: Signature): string[] {
  const lines = [`    signature '${key}' (${s.methodName || 'no method'})`];
  for (const [k, v] of Object.entries(s.inputs)) lines.push(`      in  ${k}: ${v.name} ${v.dtype} ${shapeText(v.shape)}`);
  for (const [k, v] of Object.entries(s.outputs)) lines.push(`      out ${k}: ${v.name} ${v.dtype} ${shapeText(v.shape)}`);
  return lines;
}

function metaGraphLines(g: MetaGraphSummary): string[] {
  const lines = [
    `  tags [${g.tags.join(', ')}]: TF ${g.tensorflowVersion || '?'}, producer ${g.producer}, ` +
      `${g.nodes} nodes, ${g.functions} functions${g.objectGraph ? ', TF2 object graph' : ''}${g.saver ? ', saver' : ''}`,
  ];
  const ops = Object.entries(g.ops)
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${op}×${n}`);
  lines.push(`    ops: ${ops.join(' ')}`);
  if (g.collections.length > 0) lines.push(`    collections: ${g.collections.join(', ')}`);
  for (const [key, s] of Object.entries(g.signatures)) lines.push(...signatureLines(key, s));
  return lines;
}

const KIND_NAMES = { example: 'tf.Example', sequence_example: 'tf.SequenceExample', raw: 'other' } as const;

function kindCounts(kinds: Record<RecordSummary['kind'], number>): string {
  const counts = (Object.keys(KIND_NAMES) as RecordSummary['kind'][])
    .filter((k) => kinds[k] > 0)
    .map((k) => `${kinds[k]} ${KIND_NAMES[k]}`);
  return counts.join(', ') || 'none';
}

function featureText(f: Omit<FeatureSummary, 'key'>): string {
  return `${f.kind}[${f.length}]  ${valuesText(f.values, f.length)}`;
}

function recordLines(item: RecordSummary): string[] {
  switch (item.kind) {
    case 'example':
      return [`  record ${item.record}: tf.Example`, ...item.features.map((f) => `    ${f.key}  ${featureText(f)}`)];
    case 'sequence_example': {
      const lines = [`  record ${item.record}: tf.SequenceExample`, `    context: ${item.context.length === 0 ? 'none' : ''}`.trimEnd()];
      lines.push(...item.context.map((f) => `      ${f.key}  ${featureText(f)}`));
      lines.push(`    feature lists: ${item.featureLists.length === 0 ? 'none' : ''}`.trimEnd());
      for (const list of item.featureLists) {
        lines.push(`      ${list.key}  ${list.steps} step(s)`);
        list.features.forEach((f, step) => lines.push(`        [${step}] ${featureText(f)}`));
        if (list.steps > list.features.length) lines.push('        …');
      }
      return lines;
    }
    case 'raw':
      return [`  record ${item.record}: ${item.length} bytes, neither tf.Example nor tf.SequenceExample: ${valuesText([item.preview], 1)}`];
  }
}

/** Human-readable rendering of an inspection. */
export function inspectionText(ins: Inspection): string {
  const lines: string[] = [];
  switch (ins.kind) {
    case 'checkpoint':
      lines.push(`checkpoint ${ins.prefix}: ${ins.tensors.length} tensors, ${ins.parameters} values, ${ins.shards} shard(s)`);
      lines.push(...tensorLines(ins.tensors));
      break;
    case 'saved_model':
      lines.push(`SavedModel ${ins.dir} (schema version ${ins.schemaVersion}, ${ins.metaGraphs.length} MetaGraphDef(s))`);
      for (const g of ins.metaGraphs) lines.push(...metaGraphLines(g));
      if (ins.variables) {
        lines.push(`  variables: ${ins.variables.length} tensors`);
        lines.push(...tensorLines(ins.variables).map((l) => '  ' + l));
      } else lines.push('  variables: none');
      break;
    case 'meta_graph':
      lines.push(`MetaGraphDef ${ins.file}`);
      lines.push(...metaGraphLines(ins.metaGraph));
      break;
    case 'events':
      lines.push(
        `event file ${ins.file}: ${ins.events} events (${ins.fileVersion}), ` +
          `steps ${ins.steps ? ins.steps.join('–') : 'none'}, ${ins.graphs} graph(s)`,
      );
      for (const [status, n] of Object.entries(ins.sessionLogs)) lines.push(`  session log ${status}: ${n}`);
      for (const t of ins.tags) {
        const last = t.last === undefined ? '' : ` last=${t.last}`;
        lines.push(`  ${t.tag}  ${t.kind}  ×${t.count}  steps ${t.firstStep}–${t.lastStep}${last}`);
        for (const [step, value] of t.series ?? []) lines.push(`    ${step}\t${value}`);
      }
      break;
    case 'tfrecord':
      lines.push(`TFRecord ${ins.file}${ins.compression === 'GZIP' ? ' (GZIP)' : ''}: ${ins.records} record(s), ${kindCounts(ins.kinds)}`);
      for (const item of ins.items) lines.push(...recordLines(item));
      break;
  }
  return lines.join('\n') + '\n';
}

/** Registers `s3dg inspect` on the program. */
export function defineInspect(program: Command): void {
  program
    .command('inspect')
    .description('show what a checkpoint, SavedModel, .meta graph, event file or TFRecord file holds')
    .argument('<path>', 'checkpoint prefix or model dir, SavedModel dir, event file, or TFRecord file')
    .option('--json', 'print JSON instead of text')
    .option('--values', 'include every value, not just the leading few')
    .action(async (path: string, flags: InspectFlags) => {
      const ins = await inspectPath(path, nodePlatform, { values: flags.values });
      if (ins.kind === 'events') for (const w of ins.warnings) process.stderr.write(`s3dg: warning: ${w}\n`);
      process.stdout.write(flags.json ? JSON.stringify(ins, null, 2) + '\n' : inspectionText(ins));
    });
}
