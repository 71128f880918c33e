// Errors cross every boundary as values: a code a program can switch on and a message a person
// can act on. Data errors carry the location (file:line:column) of the offending input.
import { z } from 'zod';

export const ErrorCodeSchema = z.enum([
  'invalid_request', // the request did not match the contract's schema
  'bad_input', // a dataset file is malformed; location says where
  'not_found',
  'conflict', // e.g. cancelling a run that already finished
  'unavailable', // a resource (backend, binary) is not present on this machine
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const SourceLocationSchema = z.object({ file: z.string(), line: z.number().int(), column: z.number().int() });
export type SourceLocation = z.infer<typeof SourceLocationSchema>;

export const AppErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  location: SourceLocationSchema.optional(),
});
export type AppErrorValue = z.infer<typeof AppErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorValue };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err(code: ErrorCode, message: string, location?: SourceLocation): Result<never> {
  return { ok: false, error: location ? { code, message, location } : { code, message } };
}

/** `file:line:column: message`, the form compilers use, so editors and terminals can jump to it. */
export function formatError(e: AppErrorValue): string {
  return e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.message}` : e.message;
}

/** Thrown inside services; converted to a Result value at the transport boundary. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toValue(): AppErrorValue {
    return this.location ? { code: this.code, message: this.message, location: this.location } : { code: this.code, message: this.message };
  }
}
