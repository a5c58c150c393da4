/** A decoded video frame on the main thread, as canvas pixels. */
export interface RgbaFrame {
  /** RGBA bytes, row-major, width·height·4. */
  rgba: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
  /** Presentation time in seconds. */
  timestamp: number;
}

/** What the decoder found out about a video before its first frame. */
export interface VideoInfo {
  decoder: 'webcodecs' | 'video-element';
  width: number;
  height: number;
  /** Seconds. */
  duration: number;
  /** Frames per second of the stream (estimated for the <video> fallback). */
  fps: number;
  /** Codec string, when known (avc1.…, vp09.…, vp8). */
  codec: string | null;
}

/** A bad or unreadable video, with a message that names the file and the problem. */
export class VideoError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VideoError';
  }
}

/** Reads a canvas's pixels as one frame. */
export function grabFrame(ctx: OffscreenCanvasRenderingContext2D, width: number, height: number, timestamp: number): RgbaFrame {
  const image = ctx.getImageData(0, 0, width, height);
  return { rgba: image.data, width, height, timestamp };
}
