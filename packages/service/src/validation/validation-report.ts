/**
 * What a validation reports from Defender's alerts: which alerts belong to the actor host and the window,
 * the time from activity start to each alert, and which expected techniques were or were not seen. Pure
 * functions: the poller fetches, this decides.
 */
import type { Alert } from '@mde-bridge/client';
import { shortName } from '../context/observed-host.js';

/** CONTRACT.md `ValidationAlert`. */
export interface ValidationAlert {
  id: string;
  title: string;
  severity: string;
  techniques: string[];
  detectionSource: string;
  category: string;
  firstActivity: string | null;
  createdAt: string;
  latencySeconds: number;
}

/** The `report` column: what the validation found so far (final once the state is not `polling`). */
export interface ValidationReport {
  alerts: ValidationAlert[];
  latencySeconds: number | null;
  techniques: { seen: string[]; missing: string[] };
}

export interface ReportTarget {
  machineIds: readonly string[];
  hostNames: readonly string[];
  start: Date;
  pollUntil: Date;
  expectedTechniques: readonly string[];
}

/** The alert is the host's: by machine ID, or its DNS name (or that name's first label) is one of the host's names. */
export function isHostAlert(
  alert: Pick<Alert, 'machineId' | 'computerDnsName'>,
  target: ReportTarget,
): boolean {
  if (alert.machineId && target.machineIds.includes(alert.machineId)) return true;
  const name = (alert.computerDnsName ?? '').trim().toLowerCase().replace(/\.$/, '');
  return name !== '' && (target.hostNames.includes(name) || target.hostNames.includes(shortName(name)));
}

/** The alert's first activity or its creation lies in [start, end + grace]. */
export function inWindow(
  alert: Pick<Alert, 'firstEventTime' | 'alertCreationTime'>,
  target: ReportTarget,
): boolean {
  const from = target.start.getTime();
  const to = target.pollUntil.getTime();
  return [alert.firstEventTime, alert.alertCreationTime].some((t) => {
    const ms = t ? Date.parse(t) : Number.NaN;
    return ms >= from && ms <= to;
  });
}

/** A technique seen covers an expected one when equal, or when it is a sub-technique of it (T1059.001 ⊂ T1059). */
export function covers(seen: string, expected: string): boolean {
  return seen === expected || (!expected.includes('.') && seen.startsWith(`${expected}.`));
}

export function buildReport(alerts: readonly Alert[], target: ReportTarget): ValidationReport {
  const start = target.start.getTime();
  const kept = alerts
    .filter((a) => isHostAlert(a, target) && inWindow(a, target))
    .map(
      (a): ValidationAlert => ({
        id: a.id,
        title: a.title,
        severity: a.severity,
        techniques: [...(a.mitreTechniques ?? [])],
        detectionSource: a.detectionSource,
        category: a.category,
        firstActivity: a.firstEventTime ?? null,
        createdAt: a.alertCreationTime,
        latencySeconds: Math.round((Date.parse(a.alertCreationTime) - start) / 1000),
      }),
    )
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id));
  const unique = kept.filter((a, i) => kept.findIndex((b) => b.id === a.id) === i);
  const all = unique.flatMap((a) => a.techniques.map((t) => t.toUpperCase()));
  const seen = target.expectedTechniques.filter((e) => all.some((t) => covers(t, e)));
  return {
    alerts: unique,
    latencySeconds: unique.length > 0 ? unique[0].latencySeconds : null,
    techniques: { seen, missing: target.expectedTechniques.filter((e) => !seen.includes(e)) },
  };
}
