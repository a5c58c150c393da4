/**
 * Probing a video with ffmpeg alone, for where there is no ffprobe (the bundled static ffmpeg
 * ships none). One ffmpeg run prints the input header (codec, pixel format and colour tags as
 * ffprobe's stream fields, the average frame rate rounded to 0.01, the start time) and decodes
 * the first frame through the `showinfo` filter, whose key:value lines give the frame size after
 * rotation and the exact frame rate. A second run copies the packets of the last second (or,
 * to count frames, of the whole stream, as ffprobe's -count_packets does) to `framecrc`, whose
 * lines give each packet's exact time and duration: the stream ends where its last packet does,
 * unless the header's duration (to 0.01 s) says otherwise. On constant-rate videos every field
 * equals ffprobe's (video.test.ts checks that), but for WebM/Matroska, where ffprobe reports the
 * container's duration, which can be a millisecond off the last packet's end; on variable-rate
 * videos fps is ffmpeg's rounded average; on files cut off after their header the frame count is
 * estimated from the header's duration.
 */
import { runToolText, VideoToolError } from './ffmpeg_process.ts';
import type { VideoInfo } from './probe.ts';

/** A match of `pattern` in `text`, or a VideoToolError naming what ffmpeg did not say. */
function need(file: string, text: string, pattern: RegExp, what: string): RegExpExecArray {
  const m = pattern.exec(text);
  if (!m) throw new VideoToolError(file, `ffmpeg did not report the ${what} (no ffprobe to ask instead)`);
  return m;
}

function tag(value: string | undefined): string | null {
  return value && value !== 'unknown' ? value : null;
}

/** The input header's first video stream line, e.g. "Stream #0:0(und): Video: h264 (High) …, 25 fps, 25 tbr, …". */
function inputVideoLine(stderr: string): string | undefined {
  const header = stderr.split(/^(?:Stream mapping:|Output #0)/m)[0];
  return /^\s*Stream #0:\d+.*: Video: .*$/m.exec(header)?.[0];
}

/** The colour matrix names ffmpeg prints (av_color_space_name), to tell them from the other words in the pixel format's brackets. */
const MATRICES = new Set([
  'gbr',
  'bt709',
  'unknown',
  'reserved',
  'fcc',
  'bt470bg',
  'smpte170m',
  'smpte240m',
  'ycgco',
  'bt2020nc',
  'bt2020c',
]);
MATRICES.add('smpte2085').add('chroma-derived-nc').add('chroma-derived-c').add('ictcp').add('ipt-c2').add('ycgco-re').add('ycgco-ro');

/**
 * Pixel format and colour tags from the stream line's "yuv420p(tv, bt709, progressive), 64x48":
 * the range, then the matrix (alone when primaries and transfer match it, else "matrix/primaries/transfer").
 */
function pixelFormatOf(line: string): { pixelFormat: string; range: string | null; matrix: string | null } | null {
  const m = /, (\w+)(?:\(([^)]*)\))?, \d+x\d+/.exec(line);
  if (!m) return null;
  const words = (m[2] ?? '').split(', ');
  const range = words.find((w) => w === 'tv' || w === 'pc') ?? null;
  const matrix = words.map((w) => w.split('/')[0]).find((w) => MATRICES.has(w)) ?? null;
  return { pixelFormat: m[1], range, matrix: tag(matrix ?? undefined) };
}

/** ffmpeg prints the average rate with two decimals ("29.97 fps"), whole numbers bare, thousands as "1k". */
function printedFps(line: string): number {
  const m = /, ([\d.]+)(k?) fps\b/.exec(line);
  return m ? Number(m[1]) * (m[2] ? 1000 : 1) : NaN;
}

/**
 * Packet count, first time and end time (seconds) from `framecrc` lines: "#tb 0: 1/1000", then
 * "0, dts, pts, duration, size, crc" per packet.
 */
function packetTimes(text: string): { count: number; first: number; end: number } {
  const tb = /^#tb 0: (\d+)\/(\d+)/m.exec(text);
  const unit = tb ? Number(tb[1]) / Number(tb[2]) : NaN;
  let count = 0;
  let first = Infinity;
  let end = -Infinity;
  for (const m of text.matchAll(/^0,\s*(-?\d+),\s*(-?\d+),\s*(\d+),/gm)) {
    const pts = Number(m[2]);
    count++;
    first = Math.min(first, pts);
    end = Math.max(end, pts + Number(m[3]));
  }
  return count > 0 ? { count, first: first * unit, end: end * unit } : { count, first: NaN, end: NaN };
}

/**
 * Probes `file` with the ffmpeg at `ffmpeg` (the one in use when omitted); same contract as
 * probe.ts's probeVideo.
 */
export async function probeWithFfmpeg(file: string, options: { countFrames?: boolean } = {}, ffmpeg?: string): Promise<VideoInfo> {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'info',
    '-i',
    file,
    '-map',
    '0:v:0',
    '-frames:v',
    '1',
    '-vf',
    'showinfo',
    '-f',
    'null',
    '-',
  ];
  // The first frame's side data (x264 writes its settings there) makes the text long; keep all of it.
  const { stderr } = await runToolText('ffmpeg', args, file, { binary: ffmpeg, stderrLimit: 1 << 20 });
  const stream = inputVideoLine(stderr);
  if (!stream) throw new VideoToolError(file, 'no video stream found');
  const frame = need(file, stderr, /\bn:\s*0\s.*?\bfmt:(\S+)\s.*?\bs:(\d+)x(\d+)/, 'first frame (no frame could be decoded)');
  // The stream's own tags, as ffprobe reports them (a VP8 decoder, say, tags its frames bt470bg where the stream has none).
  const format = pixelFormatOf(stream) ?? { pixelFormat: frame[1], range: null, matrix: null };
  const rate = need(file, stderr, /config in time_base: \S+, frame_rate: (\d+)\/(\d+)/, 'frame rate');
  // The filter's rate is exact but is the stream's base rate; the header's average decides where they differ (variable rate).
  const exact = Number(rate[1]) / Number(rate[2]);
  const average = printedFps(stream);
  const fps = Number.isFinite(average) && Math.abs(average - exact) > 0.0051 ? average : exact;
  if (!(fps > 0)) throw new VideoToolError(file, 'ffmpeg reports no frame rate');
  // -copyts keeps the packets' own times; -sseof starts at the last key frame before the final second.
  const count = options.countFrames !== false;
  const copy = ['-v', 'error', '-nostdin', ...(count ? [] : ['-sseof', '-1']), '-copyts', '-i', file];
  copy.push('-map', '0:v:0', '-c', 'copy', '-f', 'framecrc', '-');
  const packets = packetTimes((await runToolText('ffmpeg', copy, file, { binary: ffmpeg })).stdout);
  const start = Number(/^\s*Duration: .*, start: (-?[\d.]+)/m.exec(stderr)?.[1] ?? (count ? packets.first : NaN));
  // To the microsecond, as ffprobe prints it.
  const packetSeconds = Math.round((packets.end - start) * 1e6) / 1e6;
  // The container's own duration, to 0.01 s: where the packets end elsewhere (a file cut off
  // after its header), the header's figure is what ffprobe reports, and its frames are estimated from it.
  const header = /^\s*Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/m.exec(stderr);
  const headerSeconds = header ? Number(header[1]) * 3600 + Number(header[2]) * 60 + Number(header[3]) : NaN;
  const packetsAgree = packetSeconds > 0 && !(Math.abs(packetSeconds - headerSeconds) > 0.005);
  let durationSeconds = packetsAgree ? packetSeconds : headerSeconds;
  const frameCount = count && packetsAgree ? packets.count : NaN;
  if (!(durationSeconds > 0) && packets.count > 0) durationSeconds = packets.count / fps;
  return {
    width: Number(frame[2]),
    height: Number(frame[3]),
    fps,
    durationSeconds,
    frameCount: Number.isFinite(frameCount) ? frameCount : Math.round(durationSeconds * fps),
    codec: /: Video: (\w+)/.exec(stream)?.[1] ?? 'unknown',
    pixelFormat: format.pixelFormat,
    colorMatrix: format.matrix,
    colorRange: format.range,
  };
}
