/**
 * Models kept in this browser (IndexedDB, database `s3dg`, store `models`): each record holds a
 * model's metadata and its weights by TF name, under a user-chosen name. Works in the page and
 * in workers.
 */
import type { S3DGWebMetadata } from '../../core/export/web_model_format.ts';

/** One saved model. */
export interface SavedModel {
  name: string;
  savedAt: string;
  meta: S3DGWebMetadata;
  weights: Map<string, Float32Array>;
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
  const m = await run<SavedModel | undefined>('readonly', (s) => s.get(name));
  if (!m) throw new Error(`no model named "${name}" is saved in this browser`);
  return m;
}

/** Every saved model, without weights. */
export async function listModels(): Promise<SavedModelInfo[]> {
  const all = await run<SavedModel[]>('readonly', (s) => s.getAll());
  return all.map((m) => ({ name: m.name, savedAt: m.savedAt, classNames: m.meta.classNames }));
}

export async function deleteModel(name: string): Promise<void> {
  await run('readwrite', (s) => s.delete(name));
}
