/**
 * WebCodecs decoding through mediabunny, which demuxes mp4 (H.264) and webm (VP8/VP9) and feeds
 * the encoded packets to a `VideoDecoder`. 4:2:0 frames are converted to RGB with the code the
 * CLI converts ffmpeg's raw 4:2:0 frames with (core/data/yuv_to_rgb.ts); other formats, rotated
 * or non-square-pixel ones go through a canvas. A file that ends before its index does is
 * reported through `onWarning` (its decoded part is still used). Frames are read back as RGBA,
 * one at a time (no whole-video buffering).
 */
import { ALL_FORMATS, BlobSource, Input, type InputVideoTrack, VideoSampleSink } from 'mediabunny';
import { grabFrame, VideoError, type RgbaFrame, type VideoInfo } from './frames.ts';
import { colorOf, yuv420ToRgba } from '../../core/index.ts';
import { codecWords, mp4VideoFourcc, type FileFacts } from './unplayable.ts';

/**
 * Why WebCodecs could not take this file (so the caller may try the <video> fallback); `facts`
 * says what the demuxer recognised, for the message when the fallback cannot play it either.
 */
export class WebCodecsUnavailable extends Error {
  constructor(
    message: string,
    readonly facts: FileFacts | null = null,
  ) {
    super(message);
  }
}

/** What the demuxer recognised of a file without a decodable video track. */
async function factsOf(input: Input, file: File, track: InputVideoTrack | null): Promise<FileFacts> {
  const container = (await input.getFormat()).name;
  if (track) {
    // mediabunny names only the codecs it can hand to WebCodecs; an mp4's sample entry names the rest.
    const code = track.codec ?? (container === 'MP4' || container.startsWith('QuickTime') ? await mp4VideoFourcc(file) : null);
    return { container, tracks: 'video', codec: codecWords(code) };
  }
  return { container, tracks: (await input.getAudioTracks()).length > 0 ? 'audio' : 'none', codec: null };
}

/**
 * Opens `file` and yields its frames. Throws {@link WebCodecsUnavailable} before the first frame
 * when the container or codec is not supported here, {@link VideoError} when the file is damaged.
 */
export async function* decodeWithWebCodecs(
  file: File,
  onInfo: (info: VideoInfo) => void,
  onWarning: (message: string) => void,
): AsyncGenerator<RgbaFrame> {
  if (typeof VideoDecoder === 'undefined') throw new WebCodecsUnavailable('this browser has no WebCodecs VideoDecoder');
  const input = new Input({ formats: ALL_FORMATS, source: new BlobSource(file) });
  try {
    let track: Awaited<ReturnType<typeof input.getPrimaryVideoTrack>>;
    try {
      track = await input.getPrimaryVideoTrack();
    } catch (e) {
      throw new WebCodecsUnavailable(`container not recognised (${(e as Error).message})`);
    }
    if (!track) throw new WebCodecsUnavailable('no video track found', await factsOf(input, file, null));
    if (!(await track.canDecode()))
      throw new WebCodecsUnavailable(
        `codec ${track.codec ?? 'unknown'} cannot be decoded with WebCodecs here`,
        await factsOf(input, file, track),
      );
    const stats = await track.computePacketStats(120);
    const duration = await track.computeDuration();
    const width = track.displayWidth;
    const height = track.displayHeight;
    onInfo({ decoder: 'webcodecs', width, height, duration, fps: stats.averagePacketRate, codec: await track.getCodecParameterString() });
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new VideoError(`${file.name}: no 2-D canvas to read frames`);
    // The container's colour tags (untagged: swscale's BT.601 limited); the decoder's own frames carry Chromium's defaults instead.
    const color = colorOf(await track.getColorSpace());
    const sink = new VideoSampleSink(track);
    let count = 0;
    try {
      for await (const sample of sink.samples()) {
        try {
          const format = sample.format;
          if (
            (format === 'I420' || format === 'NV12') &&
            sample.displayWidth === sample.visibleRect.width &&
            sample.displayHeight === sample.visibleRect.height &&
            sample.rotation === 0
          ) {
            // Our own YUV→RGB with the CLI's (ffmpeg's) matrix and range; see core/data/yuv_to_rgb.ts.
            const data = new Uint8Array(sample.allocationSize());
            const planes = await sample.copyTo(data);
            const w = sample.visibleRect.width;
            const h = sample.visibleRect.height;
            yield { rgba: yuv420ToRgba(data, planes, format, w, h, color), width: w, height: h, timestamp: sample.timestamp };
          } else {
            sample.draw(ctx, 0, 0, width, height);
            yield grabFrame(ctx, width, height, sample.timestamp);
          }
        } finally {
          sample.close();
        }
        count++;
      }
    } catch (e) {
      if (e instanceof WebCodecsUnavailable) throw e;
      // The decoder's own words (pipeline status codes) help no one who picked the file: the cause keeps them.
      throw new VideoError(`${file.name}: decoding stopped after ${count} frame(s) — the file looks truncated or damaged`, { cause: e });
    }
    if (count === 0) throw new VideoError(`${file.name}: the video track holds no decodable frame (truncated or damaged file?)`);
    // The demuxer stops quietly where the data ends; the container's index says how many frames there should be.
    const listed = (await track.computePacketStats()).packetCount;
    if (count < listed) {
      onWarning(
        `${file.name}: the file ends early — decoded ${count} of the ${listed} frames its index lists ` +
          '(truncated or damaged); predictions cover only the decoded part',
      );
    }
  } finally {
    input.dispose();
  }
}
