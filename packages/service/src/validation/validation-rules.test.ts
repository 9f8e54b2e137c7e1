import { describe, expect, it } from 'vitest';
import { parseGrace, ValidationInputError } from './validation-input.js';
import { covers, inWindow, isHostAlert } from './validation-report.js';

/** The small rules a validation report rests on. */
describe('validation rules', () => {
  it('reads grace periods from 0m to 24h and refuses anything else', () => {
    expect(parseGrace('0m', 'g')).toBe(0);
    expect(parseGrace('10m', 'g')).toBe(600);
    expect(parseGrace('24h', 'g')).toBe(86_400);
    expect(parseGrace('90s', 'g')).toBe(90);
    for (const bad of ['25h', '1441m', '-1m', '10', 'm', '1d', ''])
      expect(() => parseGrace(bad, 'body.grace'), bad).toThrow(ValidationInputError);
  });

  it('counts a sub-technique for its technique, not the other way round', () => {
    expect(covers('T1059.001', 'T1059')).toBe(true);
    expect(covers('T1059', 'T1059')).toBe(true);
    expect(covers('T1059', 'T1059.001')).toBe(false);
    expect(covers('T1059.003', 'T1059.001')).toBe(false);
    expect(covers('T10590', 'T1059')).toBe(false);
  });

  it('keeps alerts whose first activity or creation lies in [start, end + grace], bounds included', () => {
    const target = {
      machineIds: ['m1'],
      hostNames: ['ws-1', 'ws-1.corp.example.com'],
      start: new Date('2026-11-20T10:00:00Z'),
      pollUntil: new Date('2026-11-20T10:30:00Z'),
      expectedTechniques: [],
    };
    const alert = (firstEventTime: string | null, alertCreationTime: string) => ({
      firstEventTime,
      alertCreationTime,
    });
    expect(inWindow(alert(null, '2026-11-20T10:00:00Z'), target)).toBe(true);
    expect(inWindow(alert(null, '2026-11-20T10:30:00Z'), target)).toBe(true);
    expect(inWindow(alert(null, '2026-11-20T10:30:01Z'), target)).toBe(false);
    expect(inWindow(alert('2026-11-20T10:29:00Z', '2026-11-20T11:00:00Z'), target)).toBe(true);
    expect(inWindow(alert('2026-11-20T09:59:00Z', '2026-11-20T09:59:30Z'), target)).toBe(false);
    expect(isHostAlert({ machineId: 'm1', computerDnsName: 'other' }, target)).toBe(true);
    expect(isHostAlert({ machineId: 'm2', computerDnsName: 'WS-1.corp.example.com.' }, target)).toBe(true);
    expect(isHostAlert({ machineId: 'm2', computerDnsName: 'ws-1.other.example.com' }, target)).toBe(true);
    expect(isHostAlert({ machineId: 'm2', computerDnsName: 'ws-10.corp.example.com' }, target)).toBe(false);
  });
});
