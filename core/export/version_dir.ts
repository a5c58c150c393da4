/**
 * The Estimator's export layout, shared by the SavedModel and ONNX exports:
 * `<export_path>/<unix seconds>/`, written as `<export_path>/temp-<seconds>/` and renamed into
 * place only when complete, so a server polling export_path for numeric versions (TF Serving,
 * Triton) never sees half an export; on failure the temp directory is removed.
 */
import type { Platform } from '../platform.ts';

/**
 * Writes `files` (name → bytes) into a new version directory under `exportPath`; returns its
 * path. The version is the current Unix time in seconds, or the next free second when taken.
 */
export async function writeVersionDir(platform: Platform, exportPath: string, files: Record<string, Uint8Array>): Promise<string> {
  await platform.makeDir(exportPath);
  let version = Math.floor(platform.wallTime());
  const taken = async (v: number) =>
    (await platform.exists(platform.join(exportPath, String(v)))) || (await platform.exists(platform.join(exportPath, `temp-${v}`)));
  while (await taken(version)) version++;
  const temp = platform.join(exportPath, `temp-${version}`);
  const dir = platform.join(exportPath, String(version));
  try {
    await platform.makeDir(temp);
    for (const [name, bytes] of Object.entries(files)) await platform.writeFileAtomic(platform.join(temp, name), bytes);
    await platform.rename(temp, dir);
  } catch (e) {
    await platform.remove(temp);
    throw e;
  }
  return dir;
}
