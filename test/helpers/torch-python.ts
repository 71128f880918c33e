// The Python that the PyTorch reference tests run (test/reference/*.py): COMPARO_PYTHON, else the
// system python3 (Debian's python3-torch lives there; a pyenv python3 first on PATH may lack it),
// else python3 on PATH. Where none imports torch, those tests skip with TORCH_MISSING as the
// reason in their names, never silently.
import { spawnSync } from 'node:child_process';

export function torchPython(): string | null {
  for (const python of [process.env.COMPARO_PYTHON, '/usr/bin/python3', 'python3']) {
    if (python && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return python;
  }
  return null;
}

export const TORCH_MISSING = 'SKIPPED: no python3 here imports torch (Debian/Ubuntu: apt-get install python3-torch libopenblas0-pthread; elsewhere: pip install torch, then COMPARO_PYTHON=/path/to/python)';

/** ' (SKIPPED: …)' to append to a test's name when PyTorch is missing, else ''. */
export const torchSkipNote = (python: string | null): string => (python === null ? ` (${TORCH_MISSING})` : '');
