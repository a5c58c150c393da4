/**
 * The clip's own video beside the chart: the page plays the picked file (an object URL), the
 * chart's cursor follows playback, and the chart, the window slider and the events seek it.
 */
import { byId } from '../ui/dom.ts';

let objectUrl = '';
let playing: File | null = null;

function player(): HTMLVideoElement {
  return byId<HTMLVideoElement>('player');
}

/** Puts `file` in the player (nothing to do when it is already there); null empties it. */
export function showInPlayer(file: File | null): void {
  if (file === playing) return;
  const video = player();
  if (objectUrl) URL.revokeObjectURL(objectUrl);
  playing = file;
  objectUrl = file ? URL.createObjectURL(file) : '';
  if (file) video.src = objectUrl;
  else video.removeAttribute('src');
  video.setAttribute('aria-label', file ? `video: ${file.name}` : 'video');
  video.load();
}

/** Times the page moved the player to itself (it showed them already); a later seek can overtake an earlier one. */
const ownSeeks: number[] = [];

/** Moves the player to `seconds`; the caller shows that time itself ({@link onPlayerTime} skips it). */
export function seekPlayer(seconds: number): void {
  const video = player();
  if (!video.getAttribute('src')) return;
  const t = Math.max(0, seconds);
  ownSeeks.push(t);
  if (ownSeeks.length > 16) ownSeeks.shift();
  video.currentTime = t;
}

/** Calls `onTime` with the player's time while it plays and after seeks made with its own controls. */
export function onPlayerTime(onTime: (seconds: number) => void): void {
  const video = player();
  let following = false;
  const follow = () => {
    onTime(video.currentTime);
    following = !video.paused;
    if (following) requestAnimationFrame(follow);
  };
  video.addEventListener('play', () => {
    ownSeeks.length = 0;
    if (following) return;
    following = true;
    requestAnimationFrame(follow);
  });
  video.addEventListener('seeked', () => {
    const own = ownSeeks.findIndex((t) => Math.abs(video.currentTime - t) < 1e-3);
    if (own >= 0) ownSeeks.splice(0, own + 1);
    else onTime(video.currentTime);
  });
}

/** The window on view at `seconds`: the last one started by then (the first before any). */
export function windowAt(windows: ReadonlyArray<{ startSeconds: number }>, seconds: number): number {
  let at = 0;
  for (let i = 0; i < windows.length && windows[i].startSeconds <= seconds + 1e-9; i++) at = i;
  return at;
}
