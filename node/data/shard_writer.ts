/**
 * Writes one video's clips as TFRecord shards of at most `clipsPerShard` records. Shards are
 * written under a `.partial` name and renamed only by `commit()`, once the whole video has
 * been decoded, so a failed or interrupted video leaves no shard that looks complete.
 */
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { frameTFRecord } from '../../core/index.ts';

/** Suffix of shards still being written; `s3dg dataset` deletes leftovers at start. */
export const PARTIAL_SUFFIX = '.partial';

/** Paths of every partial shard currently open in this process, for the interrupt handler. */
export const openPartials = new Set<string>();

export class ShardWriter {
  private handle: FileHandle | null = null;
  private inShard = 0;
  private readonly written: string[] = [];

  /** Shards go to `dir` as `<prefix>-00000.tfrecord`, `<prefix>-00001.tfrecord`, … */
  constructor(
    private readonly dir: string,
    private readonly prefix: string,
    private readonly clipsPerShard: number,
  ) {}

  /** Final names of the shards written so far. */
  get shards(): string[] {
    return this.written.map((p) => p.slice(0, -PARTIAL_SUFFIX.length));
  }

  /** Appends one serialized tf.Example. */
  async add(example: Uint8Array): Promise<void> {
    if (!this.handle || this.inShard === this.clipsPerShard) await this.nextShard();
    await this.handle!.write(frameTFRecord(example));
    this.inShard++;
  }

  private async nextShard(): Promise<void> {
    await this.closeHandle();
    const name = `${this.prefix}-${String(this.written.length).padStart(5, '0')}.tfrecord${PARTIAL_SUFFIX}`;
    const path = join(this.dir, name);
    this.handle = await open(path, 'w');
    openPartials.add(path);
    this.written.push(path);
    this.inShard = 0;
  }

  private async closeHandle(): Promise<void> {
    if (this.handle) await this.handle.close();
    this.handle = null;
  }

  /** Closes and renames every shard to its final name; returns the final paths. */
  async commit(): Promise<string[]> {
    await this.closeHandle();
    for (const partial of this.written) {
      await rename(partial, partial.slice(0, -PARTIAL_SUFFIX.length));
      openPartials.delete(partial);
    }
    return this.shards;
  }

  /** Deletes everything written (a video that failed half-way). */
  async discard(): Promise<void> {
    await this.closeHandle().catch(() => undefined);
    for (const partial of this.written) {
      await rm(partial, { force: true });
      openPartials.delete(partial);
    }
  }
}
