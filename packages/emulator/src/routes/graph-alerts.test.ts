import type { Alert } from '@mde-bridge/client/models';
import { describe, expect, it } from 'vitest';
import { DefenderError } from '../errors.js';
import { GRAPH_ALERTS_PAGE_SIZE, graphAlertPage, newestFirst } from './graph-alerts.js';

const BASE = 'http://127.0.0.1:8443/v1.0/security/alerts_v2';

function alert(i: number, fields: Partial<Alert> = {}): Alert {
  const day = String(1 + (i % 28)).padStart(2, '0');
  const hour = String(i % 24).padStart(2, '0');
  return {
    id: `da${String(i).padStart(6, '0')}`,
    alertCreationTime: `2024-05-${day}T${hour}:00:00.0000000Z`,
    lastUpdateTime: `2024-05-${day}T${hour}:30:00.0000000Z`,
    severity: 'Medium',
    status: 'New',
    classification: null,
    determination: null,
    assignedTo: null,
    ...fields,
  } as Alert;
}

function page(alerts: Alert[], query: string) {
  const url = new URL(`${BASE}${query ? `?${query}` : ''}`);
  return graphAlertPage(alerts, url.searchParams, url);
}

function ids(result: { value: unknown[] }): string[] {
  return result.value.map((a) => (a as Alert).id);
}

describe('newestFirst', () => {
  it('orders by creation time descending, ties by id, without touching the source', () => {
    const alerts = [
      alert(1, { alertCreationTime: '2024-01-01T00:00:00Z' }),
      alert(2, { alertCreationTime: '2024-03-01T00:00:00Z' }),
      alert(3, { alertCreationTime: '2024-03-01T00:00:00Z' }),
    ];
    expect(newestFirst(alerts).map((a) => a.id)).toEqual(['da000002', 'da000003', 'da000001']);
    expect(alerts[0].id).toBe('da000001');
  });
});

describe('graphAlertPage', () => {
  const many = Array.from({ length: 2_500 }, (_, i) => alert(i));

  it('pages by 2,000 without $top and links the rest with $skip', () => {
    const first = page(many, '');
    expect(first.value).toHaveLength(GRAPH_ALERTS_PAGE_SIZE);
    expect(first.nextLink).toBe(`${BASE}?$skip=2000`);
    const second = page(many, '$skip=2000');
    expect(second.value).toHaveLength(500);
    expect(second.nextLink).toBeUndefined();
  });

  it('treats $top as the page size and still links the next page (unlike Defender)', () => {
    const first = page(many, '$top=100');
    expect(first.value).toHaveLength(100);
    expect(first.nextLink).toBe(`${BASE}?$top=100&$skip=100`);
    const last = page(many, '$top=100&$skip=2400');
    expect(last.value).toHaveLength(100);
    expect(last.nextLink).toBeUndefined();
    expect(ids(page(many, '$top=100&$skip=100'))).toEqual(
      newestFirst(many)
        .slice(100, 200)
        .map((a) => a.id),
    );
  });

  it('counts with $count=true and keeps the filter in the nextLink', () => {
    const result = page(many, "$filter=status eq 'new'&$top=10&$count=true");
    expect(result.count).toBe(2_500);
    expect(result.nextLink).toContain("$filter=status%20eq%20'new'");
    expect(result.nextLink).toContain('$skip=10');
  });

  it('filters on Graph enum forms: severity, status, classification, determination', () => {
    const alerts = [
      alert(1, { severity: 'UnSpecified' }),
      alert(2, {
        severity: 'High',
        status: 'InProgress',
        classification: 'TruePositive',
        determination: 'Malware',
      }),
      alert(3, { status: 'Resolved', classification: 'FalsePositive', determination: 'NotMalicious' }),
    ];
    expect(ids(page(alerts, "$filter=severity eq 'unknown'"))).toEqual(['da000001']);
    expect(ids(page(alerts, "$filter=status eq 'inProgress'"))).toEqual(['da000002']);
    expect(ids(page(alerts, "$filter=classification eq 'unknown'"))).toEqual(['da000001']);
    expect(ids(page(alerts, "$filter=determination eq 'clean'"))).toEqual(['da000003']);
    expect(ids(page(alerts, "$filter=serviceSource eq 'microsoftDefenderForEndpoint'"))).toHaveLength(3);
  });

  it('filters on createdDateTime and lastUpdateDateTime as instants', () => {
    const alerts = [
      alert(1, { alertCreationTime: '2024-01-01T00:00:00Z' }),
      alert(2, { alertCreationTime: '2024-06-01T00:00:00Z' }),
    ];
    expect(ids(page(alerts, '$filter=createdDateTime ge 2024-03-01T00:00:00Z'))).toEqual(['da000002']);
  });

  it('answers $top=0 with an empty page and no link', () => {
    const result = page(many, '$top=0');
    expect(result.value).toEqual([]);
    expect(result.nextLink).toBeUndefined();
  });

  it('refuses options alerts_v2 does not document, and properties it cannot filter', () => {
    expect(() => page(many, '$orderby=createdDateTime desc')).toThrow(DefenderError);
    expect(() => page(many, '$select=id')).toThrow(/not allowed/);
    expect(() => page(many, "$filter=title eq 'x'")).toThrow(DefenderError);
    expect(() => page(many, `$top=${GRAPH_ALERTS_PAGE_SIZE + 1}`)).toThrow(DefenderError);
  });
});
