// The pure parts of the queue placement: the URL a person types, and the filter that keeps a
// retried job's repeated steps out of the history (main/remote/replay-filter.ts).
import { describe, expect, it } from 'vitest';
import { parseQueueUrl } from '../../main/remote/redis-connection';
import { ReplayFilter } from '../../main/remote/replay-filter';
import type { TrainerToParent } from '../../shared/trainer-protocol';

describe('queue URLs', () => {
  it('accepts redis:// and rediss:// with ACL user, password and db, and hides the password when shown', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6379/0')).toMatchObject({ tls: false, shown: 'redis://127.0.0.1:6379/0' });
    const tls = parseQueueUrl('rediss://comparo:s3cret@redis.example:6380/2');
    expect(tls.tls).toBe(true);
    expect(tls.url).toContain('s3cret');
    expect(tls.shown).toBe('rediss://comparo:***@redis.example:6380/2');
  });

  it('refuses what is not a Redis URL with a sentence naming the problem', () => {
    expect(() => parseQueueUrl('localhost:6379')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseQueueUrl('http://host:6379')).toThrow(/http:\/\/ is not a Redis URL/);
    expect(() => parseQueueUrl('not a url')).toThrow(/is not a URL/);
    expect(() => parseQueueUrl('redis://host:6379/abc')).toThrow(/"abc" is not a database number/);
  });
});

const progress = (steps: number[]): TrainerToParent => ({
  type: 'progress', step: steps.at(-1)!, totalSteps: 100, epoch: 0, elapsedMs: 0, etaMs: null,
  samples: steps.map((step) => ({ step, epoch: 0, loss: step, copyLosses: [step], cmpLoss: null })),
});
const evaluation = (step: number): TrainerToParent => ({ type: 'eval', step, epoch: 0, split: 'validation', metrics: { accuracy: step / 100 } });

describe('the replay filter', () => {
  it('passes every step and evaluation once when a retried attempt repeats them', () => {
    const filter = new ReplayFilter();
    const passed = [progress([1, 2, 3]), evaluation(3), progress([4, 5]), { type: 'checkpoint', step: 3, epoch: 0, path: '/c' } as TrainerToParent]
      .map((m) => filter.pass(m));
    expect(passed.every((m) => m !== null)).toBe(true);
    // The retry resumes from the checkpoint at step 3 and reports 4, 5 again, then goes on.
    const again = filter.pass(progress([4, 5, 6]));
    expect(again?.type === 'progress' && again.samples.map((s) => s.step)).toEqual([6]);
    expect(filter.pass(evaluation(3))).toBeNull();
    expect(filter.pass(evaluation(6))).not.toBeNull();
    expect(filter.pass({ type: 'checkpoint', step: 3, epoch: 0, path: '/c' })).toBeNull();
    expect(filter.pass({ type: 'ready', backend: 'wasm' })).not.toBeNull();
  });
});
