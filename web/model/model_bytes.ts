/**
 * Gathers a web model's bytes — model.json text plus every weight shard by its manifest path —
 * from a URL (fetch, relative shard paths) or from local files (picker or drag-and-drop), with
 * messages that name the URL or file and what went wrong (404, CORS/network, missing shard).
 * Verification (sha256, sizes, config) is the reader's job.
 */
import { parseWebModelJson, type WebModelJson } from '../../core/index.ts';

/** A model's raw parts. */
export interface ModelBytes {
  /** Where it came from (URL or file names), for messages. */
  source: string;
  json: WebModelJson;
  /** Shard bytes by the path written in weightsManifest. */
  shards: Map<string, Uint8Array>;
}

/** The model.json URL for a user's URL: a folder URL gets `model.json` appended. */
export function modelJsonUrl(url: string, base: string): URL {
  let u: URL;
  try {
    u = new URL(url, base);
  } catch {
    throw new Error(`${url}: not a valid URL`);
  }
  if (!u.pathname.endsWith('.json')) u.pathname = `${u.pathname.replace(/\/?$/, '/')}model.json`;
  return u;
}

async function fetchBytes(url: URL, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { mode: 'cors', credentials: 'omit' });
  } catch (e) {
    throw new Error(
      `${url.href}: could not fetch the ${what} — network error or the server does not allow ` +
        `cross-origin requests (CORS) (${(e as Error).message})`,
    );
  }
  if (!response.ok) {
    const hint = response.status === 404 ? ' — no such file on the server (check the URL)' : '';
    throw new Error(`${url.href}: HTTP ${response.status} ${response.statusText} while fetching the ${what}${hint}`);
  }
  return response;
}

/** Fetches model.json at (or under) `url` and every shard it lists. */
export async function modelBytesFromUrl(url: string, base: string): Promise<ModelBytes> {
  const jsonUrl = modelJsonUrl(url, base);
  const text = await (await fetchBytes(jsonUrl, 'model.json')).text();
  const json = parseWebModelJson(text, jsonUrl.href);
  const shards = new Map<string, Uint8Array>();
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  await Promise.all(
    paths.map(async (path) => {
      const shardUrl = new URL(path, jsonUrl);
      const bytes = new Uint8Array(await (await fetchBytes(shardUrl, 'weight shard')).arrayBuffer());
      shards.set(path, bytes);
    }),
  );
  return { source: jsonUrl.href, json, shards };
}

/** Reads model.json and its shards from a set of local files (matched by file name). */
export async function modelBytesFromFiles(files: File[]): Promise<ModelBytes> {
  const jsonFile = files.find((f) => f.name === 'model.json') ?? files.find((f) => f.name.endsWith('.json'));
  if (!jsonFile) throw new Error(`no model.json among the chosen files (${files.map((f) => f.name).join(', ') || 'none'})`);
  const json = parseWebModelJson(await jsonFile.text(), jsonFile.name);
  const byName = new Map(files.map((f) => [f.name, f]));
  const shards = new Map<string, Uint8Array>();
  for (const path of json.weightsManifest.flatMap((g) => g.paths)) {
    const name = path.split('/').pop() ?? path;
    const file = byName.get(name);
    if (!file)
      throw new Error(
        `${jsonFile.name} lists the weight shard ${path}, which is not among the chosen files — select model.json together with all its shards`,
      );
    shards.set(path, new Uint8Array(await file.arrayBuffer()));
  }
  return { source: jsonFile.name, json, shards };
}
