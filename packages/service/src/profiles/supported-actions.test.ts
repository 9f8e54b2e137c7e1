import { describe, expect, it } from 'vitest';
import { supportedActionsFor } from './supported-actions.js';

const ALL = ['isolate', 'release', 'scan', 'restrict', 'unrestrict', 'collect'];

describe('supportedActionsFor', () => {
  it.each([
    ['Windows11', '22H2', ALL],
    ['Windows11', null, ALL],
    ['Windows10', '22H2', ALL],
    ['Windows10', '1709', ALL],
    ['Windows10', null, ALL],
    // Full isolation needs 1703+, app restriction 1709+.
    ['Windows10', '1703', ['isolate', 'release', 'scan', 'collect']],
    ['Windows10', '1607', ['scan', 'collect']],
    ['WindowsServer2022', null, ALL],
    ['WindowsServer2012R2', null, ALL],
    ['WindowsServer2012', null, []],
    ['WindowsServer2008R2', null, []],
    ['macOS', '14.5', ['isolate', 'release', 'scan', 'collect']],
    ['Linux', null, ['isolate', 'release', 'scan', 'collect']],
    ['Ubuntu', '22.04', ['isolate', 'release', 'scan', 'collect']],
    ['iOS', '17', []],
    ['Android', null, []],
    ['Windows7', null, []],
    [null, null, []],
    ['', '22H2', []],
  ] as const)('%s %s → %j', (os, version, expected) => {
    expect(supportedActionsFor(os, version)).toEqual(expected);
  });

  it('reads the platform case- and separator-insensitively', () => {
    expect(supportedActionsFor('windows_server_2019', null)).toEqual(ALL);
    expect(supportedActionsFor('MacOS', null)).toContain('isolate');
  });
});
