/**
 * Progress of a scan for people: on a terminal, a live bar over the windows of this run with
 * windows/s, frames/s and the ETA; elsewhere nothing (each finished video prints a line).
 */
import { SingleBar } from 'cli-progress';

function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '∞';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}

export class ScanProgress {
  private bar: SingleBar | null = null;
  private windows = 0;
  private frames = 0;
  private probedWindows = 0;
  private probedVideos = 0;
  private readonly started = performance.now();

  /** `videos`: how many this run will scan (the total counts the unprobed ones at the mean so far). */
  constructor(
    private readonly videos: number,
    private readonly enabled = Boolean(process.stderr.isTTY),
  ) {}

  /** The next video gives about `windows` windows (from its probe). */
  expect(windows: number): void {
    this.probedWindows += windows;
    this.probedVideos++;
    this.bar?.setTotal(this.total());
  }

  /** Windows of the whole run: those probed, plus the videos not yet probed at the mean so far. */
  private total(): number {
    const mean = this.probedVideos > 0 ? this.probedWindows / this.probedVideos : 0;
    return Math.max(this.windows, Math.round(this.probedWindows + Math.max(0, this.videos - this.probedVideos) * mean));
  }

  /** One answered window that covered `frames` new frames. */
  window(frames: number): void {
    this.windows++;
    this.frames += frames;
    if (!this.enabled) return;
    const seconds = (performance.now() - this.started) / 1000;
    const rate = this.windows / Math.max(seconds, 1e-3);
    const payload = {
      wps: rate.toFixed(2),
      fps: (this.frames / Math.max(seconds, 1e-3)).toFixed(1),
      etaText: formatSeconds(Math.max(0, this.total() - this.windows) / rate),
    };
    if (!this.bar) {
      this.bar = new SingleBar({
        format: 'windows {value}/{total} |{bar}| {wps} windows/s | {fps} frames/s | ETA {etaText}',
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      });
      this.bar.start(this.total(), this.windows, payload);
    }
    this.bar.setTotal(this.total());
    this.bar.update(this.windows, payload);
  }

  /** Windows and frames per second so far. */
  rates(): { windowsPerSecond: number; framesPerSecond: number } {
    const seconds = Math.max((performance.now() - this.started) / 1000, 1e-3);
    return { windowsPerSecond: this.windows / seconds, framesPerSecond: this.frames / seconds };
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
