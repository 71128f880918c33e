// An S3-compatible bucket for artefacts too big for Redis (checkpoints of pretrained encoders:
// hundreds of MB; docs/scale.md). Optional, and the same on both sides: the app and every worker
// are given `--artefacts s3://bucket[/prefix]` (and `--s3-endpoint URL` for MinIO, Ceph, R2, a
// local emulator); credentials and region come from the AWS SDK's usual chain (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_REGION, profiles, instance roles). Artefacts of at least `minBytes`
// go to the bucket, named by their sha256; smaller ones stay in Redis. The SDK is loaded only when
// a bucket is configured.
import type { Readable } from 'node:stream';
import { AppError } from '../../shared/errors';

export interface S3Bucket {
  /** s3://bucket/prefix, as given. */
  readonly shown: string;
  readonly name: string;
  /** Artefacts this size and up go to the bucket. */
  readonly minBytes: number;
  put(sha256: string, body: Buffer | Readable, bytes: number): Promise<void>;
  /** The object's bytes as a stream; throws when it is not there. */
  get(sha256: string): Promise<AsyncIterable<Uint8Array>>;
  delete(sha256: string): Promise<void>;
}

/** By default artefacts from 16 MiB up (a BERT-mini checkpoint and larger) go to the bucket. */
export const DEFAULT_S3_MIN_BYTES = 16 * 2 ** 20;

export interface S3BucketOptions {
  /** `s3://bucket[/prefix]`. */
  url: string;
  /** An S3-compatible endpoint (path-style addressing), e.g. http://127.0.0.1:9000. */
  endpoint?: string;
  minBytes?: number;
}

function parseBucketUrl(text: string): { name: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(text);
  if (!match) throw new AppError('invalid_request', `--artefacts: "${text}" is not s3://bucket[/prefix] (bucket names: 3-63 lower-case letters, digits, dots, hyphens)`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { name: match[1], prefix: prefix ? `${prefix}/` : '' };
}

export async function openS3Bucket(options: S3BucketOptions): Promise<S3Bucket> {
  const { name, prefix } = parseBucketUrl(options.url);
  if (options.endpoint !== undefined) {
    try {
      new URL(options.endpoint);
    } catch {
      throw new AppError('invalid_request', `--s3-endpoint: "${options.endpoint}" is not a URL`);
    }
  }
  const sdk = await import('@aws-sdk/client-s3');
  const client = new sdk.S3Client({
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    // No aws-chunked uploads with trailing CRCs, which several S3-compatible stores store verbatim:
    // every artefact is checked against its sha256 on the way back anyway (main/remote/artefacts.ts).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
  });
  const key = (sha256: string) => `${prefix}${sha256}`;
  return {
    shown: options.url,
    name,
    minBytes: options.minBytes ?? DEFAULT_S3_MIN_BYTES,
    async put(sha256, body, bytes) {
      await client.send(new sdk.PutObjectCommand({ Bucket: name, Key: key(sha256), Body: body, ContentLength: bytes }));
    },
    async get(sha256) {
      const answer = await client.send(new sdk.GetObjectCommand({ Bucket: name, Key: key(sha256) }));
      if (!answer.Body) throw new Error(`s3://${name}/${key(sha256)} has no body`);
      return answer.Body as unknown as AsyncIterable<Uint8Array>;
    },
    async delete(sha256) {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: name, Key: key(sha256) }));
    },
  };
}

/**
 * The bucket named by a flag or, failing that, by COMPARO_ARTEFACTS (with COMPARO_S3_ENDPOINT and
 * COMPARO_S3_MIN_BYTES): how the desktop app and browser mode are given one. Null: none.
 */
export async function configuredBucket(flags: { artefacts?: string; s3Endpoint?: string } = {}, env: NodeJS.ProcessEnv = process.env): Promise<S3Bucket | null> {
  const url = flags.artefacts ?? env.COMPARO_ARTEFACTS;
  if (!url) return null;
  const minBytes = env.COMPARO_S3_MIN_BYTES === undefined ? undefined : Number(env.COMPARO_S3_MIN_BYTES);
  if (minBytes !== undefined && !(Number.isInteger(minBytes) && minBytes >= 0)) throw new AppError('invalid_request', `COMPARO_S3_MIN_BYTES: "${env.COMPARO_S3_MIN_BYTES}" is not a whole number of bytes`);
  return openS3Bucket({ url, endpoint: flags.s3Endpoint ?? env.COMPARO_S3_ENDPOINT, minBytes });
}
