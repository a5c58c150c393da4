/**
 * The plain-words message for a file no decoder here could open: what the file is (a text file,
 * a PNG image, an mp4 cut short, a video in a codec this browser lacks), never the decoders'
 * own error strings, which name pipeline internals a person cannot act on.
 */

/** What the demuxer found out about a file before giving up on it (null: nothing recognised). */
export interface FileFacts {
  /** The container's name as mediabunny gives it (MP4, WebM, Matroska, MP3, …). */
  container: string;
  /** 'video': it has a video track whose codec cannot be decoded; 'audio': sound only; 'none': no track (cut short). */
  tracks: 'video' | 'audio' | 'none';
  /** The video codec in words (H.265 (HEVC), MPEG-4 Part 2, …), when known. */
  codec: string | null;
}

/** Containers in the words people know them by. */
const CONTAINER_WORDS: Record<string, string> = {
  'QuickTime File Format': 'QuickTime (.mov)',
  'MPEG Transport Stream': 'MPEG-TS',
  WAVE: 'WAV',
};

/** Video codecs by mediabunny's name or the mp4 sample entry's four-character code. */
const CODEC_WORDS: Record<string, string> = {
  avc: 'H.264',
  avc1: 'H.264',
  avc3: 'H.264',
  hevc: 'H.265 (HEVC)',
  hev1: 'H.265 (HEVC)',
  hvc1: 'H.265 (HEVC)',
  vp8: 'VP8',
  vp9: 'VP9',
  vp09: 'VP9',
  av1: 'AV1',
  av01: 'AV1',
  mp4v: 'MPEG-4 Part 2',
  s263: 'H.263',
  mjpa: 'Motion JPEG',
  mjpb: 'Motion JPEG',
  jpeg: 'Motion JPEG',
  apch: 'ProRes',
  apcn: 'ProRes',
  apcs: 'ProRes',
  apco: 'ProRes',
  ap4h: 'ProRes',
};

export function codecWords(name: string | null): string | null {
  return name ? (CODEC_WORDS[name] ?? name) : null;
}

/** 'an' before the containers said letter by letter from a vowel sound (an MP4, an Ogg), else 'a'. */
function article(word: string): string {
  return /^(MP|Ogg|ADTS|HTTP)/.test(word) ? 'an' : 'a';
}

/**
 * The video sample entry's four-character code in an mp4/mov (mediabunny names only the codecs
 * it decodes). Looks for the `stsd` box in the file's first and last 4 MB (the index sits at one end).
 */
export async function mp4VideoFourcc(file: Blob): Promise<string | null> {
  const span = 4 << 20;
  const parts = file.size <= 2 * span ? [file] : [file.slice(0, span), file.slice(file.size - span)];
  for (const part of parts) {
    const bytes = new Uint8Array(await part.arrayBuffer());
    for (let i = 4; i + 20 <= bytes.length; i++) {
      // 'stsd', version/flags, entry count, then the first entry's size and its type.
      if (bytes[i] !== 0x73 || bytes[i + 1] !== 0x74 || bytes[i + 2] !== 0x73 || bytes[i + 3] !== 0x64) continue;
      const code = String.fromCharCode(...bytes.subarray(i + 16, i + 20));
      if (/^[\x20-\x7e]{4}$/.test(code) && !['mp4a', 'ac-3', 'ec-3', 'Opus', 'fLaC', 'text', 'tx3g'].includes(code)) return code;
    }
  }
  return null;
}

/** What the first bytes say the file is, in words ('it is a PNG image'), or null when they say nothing known. */
export function sniffKind(head: Uint8Array): string | null {
  const starts = (...b: number[]) => b.every((x, i) => head[i] === x);
  const ascii = (at: number, s: string) => [...s].every((c, i) => head[at + i] === c.charCodeAt(0));
  if (head.length === 0) return 'the file is empty';
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'it is a PNG image';
  if (starts(0xff, 0xd8, 0xff)) return 'it is a JPEG image';
  if (ascii(0, 'GIF8')) return 'it is a GIF image';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'it is a WebP image';
  if (ascii(0, '%PDF')) return 'it is a PDF document';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'it is a ZIP archive or an office document';
  if (ascii(4, 'ftyp')) return 'it looks like an MP4 file that is cut short or damaged';
  if (starts(0x1a, 0x45, 0xdf, 0xa3)) return 'it looks like a WebM file that is cut short or damaged';
  try {
    // stream: a character cut at the end of the head is not an error.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    // Printable text: no control characters other than tab, newline, carriage return, form feed.
    if (!/[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(text)) return 'it is a text file';
  } catch {
    // not UTF-8: not text
  }
  return null;
}

/** "<name> is not a video this browser can play (…)", or, for a video in a codec it lacks, which container and codec. */
export async function unplayableMessage(file: File, facts: FileFacts | null): Promise<string> {
  if (facts) {
    const container = CONTAINER_WORDS[facts.container] ?? facts.container;
    if (facts.tracks === 'video') {
      const codec = facts.codec ? `the ${facts.codec} codec` : 'a codec it does not name';
      return `${file.name} is ${article(container)} ${container} video in ${codec}, which this browser cannot play; convert it to H.264 in mp4 or VP9 in webm (for example with ffmpeg) and pick it again`;
    }
    const what =
      facts.tracks === 'audio'
        ? `it is ${article(container)} ${container} file with sound but no picture`
        : `it looks like ${article(container)} ${container} file that is cut short or damaged`;
    return `${file.name} is not a video this browser can play (${what})`;
  }
  // 4 KB: enough to tell text from binary.
  const kind = sniffKind(new Uint8Array(await file.slice(0, 4096).arrayBuffer()));
  return `${file.name} is not a video this browser can play (${kind ?? 'this browser does not recognise its format'})`;
}
