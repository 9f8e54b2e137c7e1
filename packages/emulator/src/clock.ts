/**
 * The emulator's notion of "now". In `real` mode it follows the wall clock from a chosen start; in
 * `manual` mode it stands still until `advance` is called, so delta-sync and lifecycle tests need no
 * real sleeping. Both modes accept `advance`.
 */
export type ClockMode = 'real' | 'manual';

export class EmulatorClock {
  private offsetMs = 0;
  private readonly realStart = Date.now();

  constructor(
    readonly mode: ClockMode,
    readonly startMs: number,
  ) {}

  now(): number {
    const elapsed = this.mode === 'real' ? Date.now() - this.realStart : 0;
    return this.startMs + elapsed + this.offsetMs;
  }

  advance(minutes: number): number {
    this.offsetMs += minutes * 60_000;
    return this.now();
  }
}

/** ISO 8601 with seven fractional digits, as Defender writes timestamps (`2023-04-19T13:27:53.1618923Z`). */
export function isoTicks(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2023-04-19T13:27:53.161Z
  return `${iso.slice(0, 23)}0000Z`;
}
