// The version the app reports (About, reports) and checks workers against (shared/remote-protocol.ts)
// is package.json's: a release that bumps one and not the other would let two releases share jobs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_VERSION, CODE_VERSION, REMOTE_PROTOCOL_REVISION } from '../../shared/remote-protocol';

describe('the app version', () => {
  it("is package.json's, and the code version workers must match carries it", () => {
    expect(APP_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    expect(CODE_VERSION).toBe(`${APP_VERSION}/r${REMOTE_PROTOCOL_REVISION}`);
  });
});
