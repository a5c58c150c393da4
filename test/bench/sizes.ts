/** The GPU check's `--sizes`: clips as frames×side, e.g. "16x224,64x224". */
export interface ClipSize {
  frames: number;
  size: number;
}

export function parseSizes(text: string): ClipSize[] {
  const sizes = text.split(',').map((part) => {
    const m = /^(\d+)x(\d+)$/.exec(part.trim());
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
      throw new Error(`--sizes ${text}: each size is FRAMESxSIDE, e.g. 16x224, got "${part}"`);
    return { frames: Number(m[1]), size: Number(m[2]) };
  });
  return sizes;
}
