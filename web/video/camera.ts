/**
 * The camera: opened with getUserMedia into a <video> preview, sampled every 1/fps seconds as
 * canvas pixels (RGBA at the camera's own size; the worker crops and resizes them as it does a
 * clip's frames), and released by stopping its tracks. Refusals and missing cameras become
 * plain-words messages.
 */
import { grabFrame, type RgbaFrame } from './frames.ts';

/** A running camera and its frame sampler. */
export interface Camera {
  stream: MediaStream;
  /** Frames per second the camera reports (null when it does not say). */
  cameraFps: number | null;
  /** Stops sampling and releases the camera (every track stopped, the preview emptied). */
  stop(): void;
}

/** Why the camera could not start, in words a person can act on. */
export function cameraErrorText(e: unknown): string {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  const detail = e instanceof Error && e.message ? ` (${e.message})` : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'The camera was refused. Allow this page to use the camera (the camera icon in the address bar or the site settings), then press "Use camera" again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found. Connect one (or enable it in the system settings), then press "Use camera" again.';
    case 'NotReadableError':
    case 'AbortError':
      return `The camera is busy or could not start; close other programs that use it and try again${detail}.`;
    default:
      return `The camera could not start${detail || `: ${String(e)}`}.`;
  }
}

/** Resolves once `video` shows its first frame (its size is then known). */
function firstFrame(video: HTMLVideoElement): Promise<void> {
  if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      video.removeEventListener('loadeddata', done);
      video.removeEventListener('error', fail);
      resolve();
    };
    const fail = () => {
      video.removeEventListener('loadeddata', done);
      video.removeEventListener('error', fail);
      reject(new Error(video.error?.message || 'the camera stream could not be shown'));
    };
    video.addEventListener('loadeddata', done);
    video.addEventListener('error', fail);
  });
}

/**
 * Opens the camera into `preview` and calls `onFrame` every 1/`fps` seconds with the frame on
 * show (timestamp: seconds since the first). Throws with {@link cameraErrorText}'s words.
 */
export async function openCamera(preview: HTMLVideoElement, fps: number, onFrame: (frame: RgbaFrame) => void): Promise<Camera> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new Error('This page cannot use a camera here: browsers allow cameras only on https:// pages (or localhost).');
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { frameRate: { ideal: Math.max(fps, 15) } }, audio: false });
  } catch (e) {
    throw new Error(cameraErrorText(e));
  }
  const release = () => {
    for (const track of stream.getTracks()) track.stop();
    if (preview.srcObject === stream) preview.srcObject = null;
  };
  try {
    preview.srcObject = stream;
    await preview.play();
    await firstFrame(preview);
  } catch (e) {
    release();
    throw new Error(cameraErrorText(e));
  }
  const settings = stream.getVideoTracks()[0]?.getSettings() ?? {};
  let canvas: OffscreenCanvas | null = null;
  let ctx: OffscreenCanvasRenderingContext2D | null = null;
  const began = performance.now();
  const interval = 1000 / fps;
  let next = 0;
  let timer = 0;
  let running = true;
  // Timed from the start (not from the last tick), so the rate holds when a tick runs late.
  const tick = () => {
    if (!running) return;
    const width = preview.videoWidth;
    const height = preview.videoHeight;
    if (width > 0 && height > 0) {
      if (!canvas || canvas.width !== width || canvas.height !== height) {
        canvas = new OffscreenCanvas(width, height);
        ctx = canvas.getContext('2d', { willReadFrequently: true });
      }
      if (ctx) {
        ctx.drawImage(preview, 0, 0, width, height);
        onFrame(grabFrame(ctx, width, height, (next * interval) / 1000));
      }
    }
    next++;
    // Late by more than a frame (a busy page): skip the missed ticks rather than bunch them up.
    const now = performance.now() - began;
    if (now > next * interval + interval) next = Math.ceil(now / interval);
    timer = window.setTimeout(tick, Math.max(0, next * interval - (performance.now() - began)));
  };
  tick();
  return {
    stream,
    cameraFps: typeof settings.frameRate === 'number' ? settings.frameRate : null,
    stop: () => {
      running = false;
      clearTimeout(timer);
      release();
    },
  };
}
