/**
 * Videos held by the worker as model-size frames (bytes [H, W, C] each), with their frame rate:
 * enough to slide prediction windows over them and to cut labelled training clips, without
 * keeping source-resolution frames anywhere. Decoded RGBA frames become model frames with
 * core's ModelFrameMaker (crop, antialiased bilinear resize, grey), as the CLI makes them.
 */
import { ModelFrameMaker, type WebPreprocessing } from '../../core/index.ts';

export interface StoredVideo {
  name: string;
  /** Frames per second of `frames`. */
  fps: number;
  /** The preprocessing the frames were prepared with (frame size, crop). */
  prep: WebPreprocessing;
  frames: Uint8Array[];
}

/** Key that says whether frames prepared for one model fit another. */
export function prepKey(p: WebPreprocessing): string {
  return JSON.stringify([p.frameHeight, p.frameWidth, p.channels, p.crop, p.fps]);
}

export class VideoStore {
  private readonly videos = new Map<number, StoredVideo>();
  /** Per video, the frame maker for its current source frame size (filters made once). */
  private readonly makers = new Map<number, ModelFrameMaker>();
  private nextId = 1;

  /** Starts a video; frames follow with {@link add}. */
  begin(name: string, fps: number, prep: WebPreprocessing): number {
    const id = this.nextId++;
    this.videos.set(id, { name, fps, prep, frames: [] });
    return id;
  }

  /** Adds one decoded RGBA frame, prepared for the video's model. Returns the frame count. */
  add(id: number, rgba: ArrayBuffer, width: number, height: number): number {
    const v = this.get(id);
    let maker = this.makers.get(id);
    if (!maker || maker.source.width !== width || maker.source.height !== height) {
      maker = new ModelFrameMaker({ width, height, pixelStride: 4 }, v.prep);
      this.makers.set(id, maker);
    }
    v.frames.push(maker.make(new Uint8Array(rgba)));
    return v.frames.length;
  }

  /**
   * Adds one camera frame (RGBA) to the live video `liveId`, which keeps only its last `keep`
   * frames (one prediction window), and the same model frame to `recordingId` when set.
   * Returns the recording's frame count (0 without one).
   */
  addCameraFrame(liveId: number, recordingId: number | null, keep: number, rgba: ArrayBuffer, width: number, height: number): number {
    this.add(liveId, rgba, width, height);
    const live = this.get(liveId);
    const frame = live.frames[live.frames.length - 1];
    if (live.frames.length > keep) live.frames.splice(0, live.frames.length - keep);
    if (recordingId === null) return 0;
    const recording = this.get(recordingId);
    if (prepKey(recording.prep) !== prepKey(live.prep)) throw new Error(`${recording.name}: recorded for another model's frame size`);
    recording.frames.push(frame);
    return recording.frames.length;
  }

  get(id: number): StoredVideo {
    const v = this.videos.get(id);
    if (!v) throw new Error(`video ${id} is not loaded in the worker (re-open the clip)`);
    return v;
  }

  remove(id: number): void {
    this.videos.delete(id);
    this.makers.delete(id);
  }
}

/** An async iterable over an array (core's window cutter takes async streams). */
export async function* streamOf<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}
