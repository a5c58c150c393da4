/**
 * Cutting a stream of frames into clips: windows of `clipLength` frames whose starts are
 * `stride` frames apart (stride < clipLength overlaps clips, stride > clipLength skips frames).
 * Frames after the last full window are dropped. A video shorter than one clip gives one clip
 * padded by repeating its last frame, as the original project's clip extractor did.
 */

/** One clip cut from a video. */
export interface ClipWindow {
  /** Index of the clip's first frame in the decoded stream. */
  start: number;
  /** Frames [clipLength, H, W, C] as one buffer. */
  frames: Uint8Array;
  /** True when the video was shorter than a clip and its last frame was repeated. */
  padded: boolean;
}

/** Yields the clips of `frames` (each Uint8Array [H, W, C], all the same size). */
export async function* clipWindows(frames: AsyncIterable<Uint8Array>, clipLength: number, stride: number): AsyncGenerator<ClipWindow> {
  if (!Number.isInteger(clipLength) || clipLength <= 0)
    throw new RangeError(`\`clipLength\` must be a positive integer, got ${clipLength}`);
  if (!Number.isInteger(stride) || stride <= 0) throw new RangeError(`\`stride\` must be a positive integer, got ${stride}`);
  const held: Uint8Array[] = []; // frames from heldStart on
  let heldStart = 0;
  let nextStart = 0;
  let index = 0;
  let emitted = 0;
  const take = (start: number, count: number): Uint8Array => {
    const frameBytes = held[0].length;
    const out = new Uint8Array(clipLength * frameBytes);
    for (let i = 0; i < clipLength; i++) out.set(held[Math.min(start - heldStart + i, start - heldStart + count - 1)], i * frameBytes);
    return out;
  };
  for await (const frame of frames) {
    if (index >= nextStart) {
      if (held.length === 0) heldStart = index;
      held.push(frame);
    }
    index++;
    if (index === nextStart + clipLength) {
      yield { start: nextStart, frames: take(nextStart, clipLength), padded: false };
      emitted++;
      nextStart += stride;
      // Drop frames no later clip needs.
      const drop = Math.min(held.length, nextStart - heldStart);
      held.splice(0, drop);
      heldStart += drop;
    }
  }
  if (emitted === 0 && held.length > 0) yield { start: 0, frames: take(0, held.length), padded: true };
}
