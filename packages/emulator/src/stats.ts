/** Calls and throttles per API family, read and cleared through `/_emulator/stats`. */
export class CallStats {
  private calls = new Map<string, number>();
  private throttled = new Map<string, number>();

  call(family: string): void {
    this.calls.set(family, (this.calls.get(family) ?? 0) + 1);
  }

  throttle(family: string): void {
    this.throttled.set(family, (this.throttled.get(family) ?? 0) + 1);
  }

  snapshot(): { calls: Record<string, number>; throttled: Record<string, number> } {
    return { calls: Object.fromEntries(this.calls), throttled: Object.fromEntries(this.throttled) };
  }

  reset(): void {
    this.calls.clear();
    this.throttled.clear();
  }
}
