import { describe, expect, it } from 'vitest';
import * as emulatorTables from '../../../emulator/src/generator/schema.js';
import { checkKql } from './kql-check.js';
import { cpuSecondsOf } from './quota-ledger.js';
import { huntingTables } from './table-schemas.js';

describe('KQL check', () => {
  it('accepts valid queries over every known table', () => {
    for (const t of huntingTables) {
      const column = t.columns[1].name;
      expect(checkKql(`${t.name} | project ${column} | take 5`), t.name).toEqual({
        ok: true,
        diagnostics: [],
      });
    }
  });

  it('reports syntax errors, unknown tables and unknown columns with their position', () => {
    expect(checkKql('DeviceInfo\n| where').diagnostics[0]).toMatchObject({
      severity: 'error',
      line: 2,
      message: expect.stringMatching(/Missing expression/),
    });
    expect(checkKql('EmailEvents | take 1').diagnostics[0]).toMatchObject({
      line: 1,
      column: 1,
      length: 11,
      message: expect.stringMatching(/'EmailEvents' does not refer to any known table/),
    });
    const col = checkKql('DeviceNetworkEvents | where RemotePort == 443 | project Foo');
    expect(col.ok).toBe(false);
    expect(col.diagnostics[0]).toMatchObject({
      column: 57,
      length: 3,
      message: expect.stringMatching(/'Foo'/),
    });
  });

  it('refuses empty, oversized and absurdly nested text without calling the parser on it', () => {
    expect(checkKql('  ').ok).toBe(false);
    expect(checkKql(`DeviceInfo | take 1 //${'x'.repeat(30_000)}`).diagnostics[0].message).toMatch(/30000/);
    expect(checkKql(`print ${'('.repeat(100)}1${')'.repeat(100)}`).diagnostics[0].message).toMatch(/nests/);
  });

  it("knows exactly the emulator's tables and columns (spec 7.4)", () => {
    const emulator = Object.entries(emulatorTables)
      .filter(([, v]) => Array.isArray(v))
      .map(([name, cols]) => ({
        name,
        columns: (cols as readonly (readonly [string, string])[]).map(([n, type]) => ({ name: n, type })),
      }));
    expect(emulator.length).toBeGreaterThanOrEqual(9);
    expect([...huntingTables].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      emulator.sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('reads Kusto CPU times', () => {
    expect(cpuSecondsOf('00:00:01.5000000')).toBe(1.5);
    expect(cpuSecondsOf('1.00:01:00')).toBe(86_460);
    expect(cpuSecondsOf('soon')).toBeNull();
  });
});
