import { channels, isChannel, type Channel } from '../../shared/contract';
import { AppError, err, ok, type Result } from '../../shared/errors';
import { isBusyError } from '../db/busy';
import type { Handlers } from './handlers';

/**
 * The single entry of every transport: validate the request against the contract, run the
 * handler, and turn any failure into an error value (never a throw across the boundary).
 */
export async function dispatch(handlers: Handlers, channel: string, request: unknown): Promise<Result<unknown>> {
  if (!isChannel(channel)) return err('invalid_request', `Unknown channel "${channel}".`);
  const parsed = channels[channel].request.safeParse(request ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ');
    return err('invalid_request', `Invalid request for ${channel}: ${issues}`);
  }
  try {
    const handler = handlers[channel] as (r: unknown) => unknown;
    return ok(await handler(parsed.data));
  } catch (e) {
    if (e instanceof AppError) return { ok: false, error: e.toValue() };
    if (isBusyError(e)) {
      return err('unavailable', `${channel}: the database is busy: another Comparo process on this data folder is writing (an import, a delete). Try again in a moment.`);
    }
    return err('internal', `${channel} failed: ${(e as Error)?.message ?? String(e)}`);
  }
}

export type { Channel };
