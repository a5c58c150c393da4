/**
 * Fallback decoder: a `<video>` element seeked frame by frame (every 1/fps seconds) and drawn to
 * a canvas. Slower than WebCodecs but reads whatever the browser can play.
 */
import { grabFrame, VideoError, type RgbaFrame, type VideoInfo } from './frames.ts';
import { unplayableMessage, type FileFacts } from './unplayable.ts';

function once(video: HTMLVideoElement, ok: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      video.removeEventListener(ok, done);
      video.removeEventListener('error', fail);
      resolve();
    };
    const fail = () => {
      video.removeEventListener(ok, done);
      video.removeEventListener('error', fail);
      reject(new Error(video.error?.message || `media error ${video.error?.code ?? ''}`.trim()));
    };
    video.addEventListener(ok, done);
    video.addEventListener('error', fail);
  });
}

/**
 * Yields frames of `file` sampled at `fps` (the element does not tell the stream's own rate).
 * `facts`: what a demuxer already recognised of the file, for the message when it cannot be played.
 */
export async function* decodeWithVideoElement(
  file: File,
  fps: number,
  onInfo: (info: VideoInfo) => void,
  facts: FileFacts | null = null,
): AsyncGenerator<RgbaFrame> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  try {
    video.src = url;
    try {
      await once(video, 'loadeddata');
    } catch (e) {
      // The element's message is a pipeline status ("DEMUXER_ERROR_…"): say what the file is instead.
      throw new VideoError(await unplayableMessage(file, facts), { cause: e });
    }
    const width = video.videoWidth;
    const height = video.videoHeight;
    const duration = video.duration;
    if (!(width > 0 && height > 0)) {
      // It plays, but as sound only.
      const what = facts
        ? await unplayableMessage(file, facts)
        : `${file.name} is not a video this browser can play (it has sound but no picture)`;
      throw new VideoError(what);
    }
    if (!Number.isFinite(duration))
      throw new VideoError(`${file.name}: the video does not say how long it is, so its frames cannot be sampled`);
    onInfo({ decoder: 'video-element', width, height, duration, fps, codec: null });
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new VideoError(`${file.name}: no 2-D canvas to read frames`);
    const count = Math.max(1, Math.floor(duration * fps + 1e-6));
    for (let k = 0; k < count; k++) {
      // Aim at the middle of the frame's display interval so rounding never lands on the previous frame.
      video.currentTime = Math.min((k + 0.5) / fps, Math.max(0, duration - 1e-3));
      try {
        await once(video, 'seeked');
      } catch (e) {
        throw new VideoError(`${file.name}: decoding stopped at ${(k / fps).toFixed(2)} s — the file looks truncated or damaged`, {
          cause: e,
        });
      }
      ctx.drawImage(video, 0, 0, width, height);
      yield grabFrame(ctx, width, height, k / fps);
    }
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}
