import { SingleBar } from 'cli-progress';
import type { StepProgress } from '../core/tfjs/index.ts';

/**
 * Training progress for people: a live bar with step, loss, steps/s and ETA on a terminal;
 * nothing extra otherwise (the estimator logs plain lines every --monitor_steps).
 */
export class TrainingProgress {
  private bar: SingleBar | null = null;

  constructor(private readonly enabled = Boolean(process.stderr.isTTY)) {}

  update(p: StepProgress): void {
    if (!this.enabled) return;
    const total = Number.isFinite(p.lastStep) ? p.lastStep : 0;
    const eta = total && p.stepsPerSecond > 0 ? formatSeconds((total - p.step) / p.stepsPerSecond) : '∞';
    const payload = { loss: p.loss.toFixed(4), rate: p.stepsPerSecond.toFixed(2), etaText: eta };
    if (!this.bar) {
      this.bar = new SingleBar({
        format: 'step {value}/{total} |{bar}| loss {loss} | {rate} steps/s | ETA {etaText}',
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      });
      this.bar.start(total, p.step, payload);
    }
    this.bar.update(p.step, payload);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '∞';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}
