import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphHuntingResponse, HuntingResponse, Machine, MachineAction } from '../models/index.js';
import { tolerant } from './tolerant.js';

const SAMPLES = new URL('../../../../../shared/spec/samples/', import.meta.url);
const sample = (name: string) => JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8'));

describe('the real samples parse without loss', () => {
  it.each([
    ['machines_list.json', Machine, (s: { value: unknown[] }) => s.value[0]],
    ['machine_action_offboard_pending.json', MachineAction, (s: unknown) => s],
    ['machine_action_stop_and_quarantine_pending.json', MachineAction, (s: unknown) => s],
    ['machine_action_live_response_pending.json', MachineAction, (s: unknown) => s],
    ['advanced_hunting_result.json', HuntingResponse, (s: unknown) => s],
    ['graph_run_hunting_query_result.json', GraphHuntingResponse, (s: unknown) => s],
    // biome-ignore lint/suspicious/noExplicitAny: table of heterogenous samples
  ] as [string, any, (s: any) => unknown][])('%s keeps every field it carries', (file, schema, pick) => {
    const original = pick(sample(file));
    const parsed = tolerant(schema, structuredClone(original));
    expect(parsed).toMatchObject(original as object);
  });

  it('fills fields the schema allows to be null when the service leaves them out, and keeps unknown ones', () => {
    const live = sample('machine_action_live_response_pending.json');
    const parsed = tolerant<Record<string, unknown>>(MachineAction, { ...live, futureField: 1 });
    expect(parsed.title).toBeNull();
    expect(parsed.cancellationComment).toBeNull();
    expect(parsed.futureField).toBe(1);
  });
});
