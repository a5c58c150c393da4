/**
 * The `checkpoint` file TF keeps in a model directory: a text-format CheckpointState naming
 * the latest checkpoint prefix and the ones still kept, e.g.
 *   model_checkpoint_path: "model.ckpt-1000"
 *   all_model_checkpoint_paths: "model.ckpt-0"
 * Paths are relative to the directory (Estimator) or absolute.
 */
import type { Platform } from '../platform.ts';
import { FormatError } from './errors.ts';

/** Contents of a `checkpoint` file. */
export interface CheckpointState {
  /** Latest checkpoint prefix. */
  modelCheckpointPath: string;
  /** Prefixes still on disk, oldest first (TF lists the latest last). */
  allModelCheckpointPaths: string[];
  /** Unix seconds each of allModelCheckpointPaths was written (TF2 writes these; may be empty). */
  allModelCheckpointTimestamps: number[];
  /** Unix seconds; checkpoints older than this were deleted by max_to_keep. */
  lastPreservedTimestamp?: number;
}

const FIELD = /\s*(?:#[^\n]*\n\s*)*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[^\s"']+)/dy;

function unescapeString(literal: string, problem: (what: string) => FormatError): string {
  const body = literal.slice(1, -1);
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, r: 13, t: 9, '"': 34, "'": 39, '\\': 92, a: 7, b: 8, f: 12, v: 11, '?': 63 };
  const encoder = new TextEncoder();
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      bytes.push(...encoder.encode(ch));
      continue;
    }
    const next = body[++i];
    const octal = /^[0-7]{1,3}/.exec(body.slice(i));
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(body.slice(i));
    if (octal) {
      bytes.push(parseInt(octal[0], 8) & 0xff);
      i += octal[0].length - 1;
    } else if (hex) {
      bytes.push(parseInt(hex[1], 16));
      i += hex[0].length - 1;
    } else if (next in simple) bytes.push(simple[next]);
    else throw problem(`unknown escape \\${next}`);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
}

/** Parses the text of a `checkpoint` file; `source` names it in errors. */
export function parseCheckpointState(text: string, source = 'checkpoint'): CheckpointState {
  const state: CheckpointState = { modelCheckpointPath: '', allModelCheckpointPaths: [], allModelCheckpointTimestamps: [] };
  FIELD.lastIndex = 0;
  let at = 0;
  const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
  while (
    text
      .slice(at)
      .replace(/#[^\n]*/g, '')
      .trim() !== ''
  ) {
    FIELD.lastIndex = at;
    const m = FIELD.exec(text);
    if (!m) throw new FormatError(source, `line ${lineOf(at)}: expected 'field: value'`);
    const [, field, value] = m;
    const problem = (what: string) => new FormatError(source, `line ${lineOf(m.indices?.[1]?.[0] ?? m.index)}: ${field}: ${what}`);
    const str = () => {
      if (!/^["']/.test(value)) throw problem('expected a quoted string');
      return unescapeString(value, problem);
    };
    const num = () => {
      const n = Number(value);
      if (!Number.isFinite(n)) throw problem(`expected a number, got ${value}`);
      return n;
    };
    switch (field) {
      case 'model_checkpoint_path':
        state.modelCheckpointPath = str();
        break;
      case 'all_model_checkpoint_paths':
        state.allModelCheckpointPaths.push(str());
        break;
      case 'all_model_checkpoint_timestamps':
        state.allModelCheckpointTimestamps.push(num());
        break;
      case 'last_preserved_timestamp':
        state.lastPreservedTimestamp = num();
        break;
      default:
        throw problem('unknown field');
    }
    at = FIELD.lastIndex;
  }
  return state;
}

function escapeString(s: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(s)) {
    if (b === 10) out += '\\n';
    else if (b === 13) out += '\\r';
    else if (b === 9) out += '\\t';
    else if (b === 34) out += '\\"';
    else if (b === 39) out += "\\'";
    else if (b === 92) out += '\\\\';
    else if (b < 32 || b >= 127) out += '\\' + b.toString(8).padStart(3, '0');
    else out += String.fromCharCode(b);
  }
  return `"${out}"`;
}

/** Text of a `checkpoint` file, field order and quoting as TF writes it. */
export function formatCheckpointState(state: CheckpointState): string {
  const lines = [`model_checkpoint_path: ${escapeString(state.modelCheckpointPath)}`];
  for (const p of state.allModelCheckpointPaths) lines.push(`all_model_checkpoint_paths: ${escapeString(p)}`);
  for (const t of state.allModelCheckpointTimestamps) lines.push(`all_model_checkpoint_timestamps: ${t}`);
  if (state.lastPreservedTimestamp !== undefined) lines.push(`last_preserved_timestamp: ${state.lastPreservedTimestamp}`);
  return lines.join('\n') + '\n';
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}

/**
 * The latest checkpoint prefix of a model directory (like `tf.train.latest_checkpoint`), or
 * undefined when the directory has no `checkpoint` file. Relative paths are resolved against `dir`.
 */
export async function latestCheckpoint(dir: string, platform: Pick<Platform, 'readFile' | 'exists' | 'join'>): Promise<string | undefined> {
  const file = platform.join(dir, 'checkpoint');
  if (!(await platform.exists(file))) return undefined;
  const state = parseCheckpointState(new TextDecoder().decode(await platform.readFile(file)), file);
  if (state.modelCheckpointPath === '') throw new FormatError(file, 'has no model_checkpoint_path');
  const p = state.modelCheckpointPath;
  return isAbsolute(p) ? p : platform.join(dir, p);
}
