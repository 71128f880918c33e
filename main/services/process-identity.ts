// Telling a live process from a new one that reuses its pid. A run's owner is recorded as pid +
// start time; on Linux the start time is field 22 of /proc/<pid>/stat (clock ticks since boot),
// which a reused pid cannot share. Elsewhere only liveness (signal 0) can be checked.
import { readFileSync } from 'node:fs';

/** The start time of `pid` as recorded for its runs, or null where the OS does not say. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[22 - 3];
    return ticks ? `linux:${ticks}` : null;
  } catch {
    return null;
  }
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process recorded as (pid, started) is still the one running under that pid. */
export function isOwnerAlive(pid: number, started: string | null): boolean {
  if (!isPidAlive(pid)) return false;
  if (started === null) return true;
  const now = processStartTime(pid);
  // No /proc now (another OS than the one that recorded it): fall back to liveness.
  return now === null || now === started;
}

export const OWN_PID = process.pid;
export const OWN_START_TIME = processStartTime(process.pid);
