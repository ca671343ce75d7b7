/**
 * The alert lifecycle of Prometheus Alertmanager, one alert (rule x segment) at a time:
 * inactive -> pending (condition met, `for` not yet satisfied) -> firing -> resolved. Time is the
 * evaluation time (the run's window end), so replayed runs decide as the live ones did.
 */
export type AlertStatus = 'inactive' | 'pending' | 'firing' | 'resolved';

export interface AlertState {
  status: AlertStatus;
  /** Window end of the first run of this episode in which the condition held. */
  activeSinceMs: number;
  /** Consecutive runs the condition has held. */
  consecutive: number;
  /** When the last firing (or repeat) notification was decided. */
  lastNotifiedMs: number;
}

export type Notify = 'firing' | 'repeat' | 'resolved';

export interface Step {
  next: AlertState;
  notify?: Notify;
  /** Whether the state differs from `prev` (and is worth appending to the history). */
  changed: boolean;
}

export interface Timing {
  /** Consecutive runs before firing (1: the first run fires). */
  forRuns: number;
  /** How long the condition must hold before firing (0: no wait). */
  forMs: number;
  repeatIntervalMs: number;
}

export const INACTIVE: AlertState = Object.freeze({
  status: 'inactive',
  activeSinceMs: 0,
  consecutive: 0,
  lastNotifiedMs: 0,
});

/**
 * One evaluation. `active` undefined means no verdict this run (too few events): the alert keeps
 * its state, so a quiet hour neither resolves an alert nor resets a pending one.
 */
export function stepAlert(
  prev: AlertState = INACTIVE,
  active: boolean | undefined,
  atMs: number,
  timing: Timing,
): Step {
  if (active === undefined) return { next: prev, changed: false };
  if (!active) {
    if (prev.status === 'firing')
      return { next: { ...prev, status: 'resolved', consecutive: 0 }, notify: 'resolved', changed: true };
    if (prev.status === 'pending') return { next: { ...INACTIVE }, changed: true };
    return { next: prev, changed: false };
  }
  if (prev.status === 'firing') {
    const next = { ...prev, consecutive: prev.consecutive + 1 };
    if (atMs - prev.lastNotifiedMs < timing.repeatIntervalMs) return { next, changed: true };
    return { next: { ...next, lastNotifiedMs: atMs }, notify: 'repeat', changed: true };
  }
  const episode =
    prev.status === 'pending'
      ? { activeSinceMs: prev.activeSinceMs, consecutive: prev.consecutive + 1 }
      : { activeSinceMs: atMs, consecutive: 1 };
  const ready = episode.consecutive >= timing.forRuns && atMs - episode.activeSinceMs >= timing.forMs;
  if (!ready) return { next: { ...episode, status: 'pending', lastNotifiedMs: prev.lastNotifiedMs }, changed: true };
  return { next: { ...episode, status: 'firing', lastNotifiedMs: atMs }, notify: 'firing', changed: true };
}
