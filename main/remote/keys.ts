// The Redis names the app and its workers share. Everything Comparo writes lives under one prefix,
// so a Redis that serves other programs too keeps them apart, and `redis-cli --scan --pattern
// 'comparo:*'` shows all of it.
export const KEY_PREFIX = 'comparo';
/** BullMQ's queue of run jobs (its own keys: comparo:runs:*). */
export const RUN_QUEUE = 'runs';
/** Pub/sub channel of cancel / pause / resume / kill requests (shared/remote-protocol.ts RunControl). */
export const CONTROL_CHANNEL = `${KEY_PREFIX}:run-control`;
/** A job's event stream: worker events and the trainer's messages, in order. */
export const eventStreamKey = (jobId: string): string => `${KEY_PREFIX}:run-events:${jobId}`;
export const artefactKey = (sha256: string): string => `${KEY_PREFIX}:artefact:${sha256}`;
export const artefactChunkKey = (sha256: string, index: number): string => `${KEY_PREFIX}:artefact:${sha256}:${index}`;
/** Streams and artefacts outlive their job by this long, for an app that reconnects late. */
export const RETENTION_SECONDS = 7 * 24 * 3600;
/** A live worker's description (shared/worker-info.ts), refreshed while it runs, gone soon after it stops. */
export const workerKey = (workerId: string): string => `${KEY_PREFIX}:worker:${workerId}`;
export const WORKER_TTL_SECONDS = 30;
