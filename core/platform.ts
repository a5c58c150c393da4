/**
 * What core/ needs from its host. Node implements it over `node:fs` (node/platform.ts),
 * the web app over fetch, File and IndexedDB. core/ never touches files or the console
 * any other way, so the same training loop, readers and writers run in both places.
 */
export interface Platform {
  /** Whole file as bytes. Rejects with an error that names the path. */
  readFile(path: string): Promise<Uint8Array>;
  /** Writes to a temporary name beside `path`, then renames: readers never see half a file. */
  writeFileAtomic(path: string, data: Uint8Array): Promise<void>;
  /** Appends bytes, creating the file if needed (event files, logs). */
  appendFile(path: string, data: Uint8Array): Promise<void>;
  /** Names (not paths) of the entries in a directory; [] when it does not exist. */
  listDir(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  makeDir(path: string): Promise<void>;
  remove(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Joins path segments with the host's separator. */
  join(...parts: string[]): string;
  /** Seconds since the epoch, as TF's wall_time. */
  wallTime(): number;
  log(message: string): void;
}
