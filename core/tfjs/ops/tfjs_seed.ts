/**
 * Our seed as tfjs's random ops take it. They treat a falsy seed as none and draw one from
 * Math.random, so seed 0 — the CLI's default --seed — made every run start from different
 * weights (the first variable's) and dropout masks (step 0's). Shifting by one keeps seeds
 * distinct and never 0; undefined stays unseeded.
 */
export function tfjsSeed(seed: number | undefined): number | undefined {
  return seed === undefined ? undefined : seed + 1;
}
