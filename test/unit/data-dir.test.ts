import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../main/services/data-dir';

describe('data folder', () => {
  const home = '/home/ada';
  it('prefers --data-dir, then COMPARO_DATA_DIR', () => {
    expect(resolveDataDir({ argv: ['x', '--data-dir', '/tmp/a'], env: { COMPARO_DATA_DIR: '/tmp/b' }, home })).toBe('/tmp/a');
    expect(resolveDataDir({ argv: ['--data-dir=/tmp/c'], env: {}, home })).toBe('/tmp/c');
    expect(resolveDataDir({ argv: [], env: { COMPARO_DATA_DIR: '/tmp/b' }, home })).toBe('/tmp/b');
  });
  it("matches Electron's userData folder per OS", () => {
    expect(resolveDataDir({ argv: [], env: {}, platform: 'linux', home })).toBe('/home/ada/.config/Comparo');
    expect(resolveDataDir({ argv: [], env: { XDG_CONFIG_HOME: '/x' }, platform: 'linux', home })).toBe('/x/Comparo');
    expect(resolveDataDir({ argv: [], env: {}, platform: 'darwin', home })).toBe('/home/ada/Library/Application Support/Comparo');
  });
});
