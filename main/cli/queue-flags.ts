// --queue, --artefacts, --s3-endpoint: the queue placement a CLI command's runs go to
// (docs/workers.md), or null for this machine's trainers. Not remembered: only the flags count.
import { openQueuePlacement, type QueuePlacement } from '../remote/queue-placement';
import { parseQueueUrl } from '../remote/redis-connection';
import { configuredBucket } from '../remote/s3-bucket';

export const QUEUE_OPTIONS = {
  queue: { type: 'string' },
  artefacts: { type: 'string' },
  's3-endpoint': { type: 'string' },
} as const;

/** Throws the flag's problem as an Error whose message is the sentence to print with the usage. */
export async function queueFromFlags(values: { queue?: string; artefacts?: string; 's3-endpoint'?: string }): Promise<QueuePlacement | null> {
  if (values.queue === undefined) return null;
  return openQueuePlacement(parseQueueUrl(values.queue), { bucket: await configuredBucket({ artefacts: values.artefacts, s3Endpoint: values['s3-endpoint'] }) });
}
