/**
 * Models kept in this browser (IndexedDB, database `s3dg`, store `models`): each record holds a
 * model's metadata and its weights by TF name, under a user-chosen name. Works in the page and
 * in workers.
 */
import { type S3DGWebMetadata, S3DG, type NamedWeights } from '../../core/index.ts';

/** One saved model. */
export interface SavedModel {
  name: string;
  savedAt: string;
  meta: S3DGWebMetadata;
  weights: NamedWeights;
}

/** As the first versions stored it: values without shapes. */
type StoredWeights = Map<string, NamedWeights extends Map<string, infer W> ? W | Float32Array : never>;

/** Weights as stored by any version, with shapes (from the config) where an early version left them out. */
function withShapes(meta: S3DGWebMetadata, stored: StoredWeights): NamedWeights {
  const shapes = new Map(new S3DG(meta.config).variables().map((v) => [v.name, v.shape]));
  const out: NamedWeights = new Map();
  for (const [name, w] of stored) {
    if (!(w instanceof Float32Array)) out.set(name, w);
    else out.set(name, { shape: shapes.get(name) ?? [w.length], values: w });
  }
  return out;
}

/** A saved model without its weights (for lists). */
export type SavedModelInfo = Pick<SavedModel, 'name' | 'savedAt'> & { classNames: string[] };

const DB = 's3dg';
const STORE = 'models';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'name' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB: cannot open ${DB} (${req.error?.message ?? 'unknown error'})`));
  });
}

function run<T>(mode: IDBTransactionMode, f: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = f(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(req.result);
        };
        tx.onerror = () => {
          db.close();
          reject(new Error(`IndexedDB: ${tx.error?.message ?? 'transaction failed'} (is the browser's storage full?)`));
        };
      }),
  );
}

/** Saves (or replaces) `model` under its name. */
export async function saveModel(model: SavedModel): Promise<void> {
  await run('readwrite', (s) => s.put(model));
}

/** The saved model called `name`; throws when there is none. */
export async function loadModel(name: string): Promise<SavedModel> {
  const m = await run<(Omit<SavedModel, 'weights'> & { weights: StoredWeights }) | undefined>('readonly', (s) => s.get(name));
  if (!m) throw new Error(`no model named "${name}" is saved in this browser`);
  return { ...m, weights: withShapes(m.meta, m.weights) };
}

/** Every saved model, without weights. */
export async function listModels(): Promise<SavedModelInfo[]> {
  const all = await run<SavedModel[]>('readonly', (s) => s.getAll());
  return all.map((m) => ({ name: m.name, savedAt: m.savedAt, classNames: m.meta.classNames }));
}

export async function deleteModel(name: string): Promise<void> {
  await run('readwrite', (s) => s.delete(name));
}
