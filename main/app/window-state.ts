// The main window's size and position, remembered in <dataDir>/window-state.json.
// Pure apart from node:fs (types only from `electron`) so it is unit-tested in plain Node.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Rectangle } from 'electron';

export interface WindowState {
  width: number;
  height: number;
  /** Absent when the saved position is on no connected display (a monitor was unplugged). */
  x?: number;
  y?: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };
export const MIN_WIDTH = 800;
export const MIN_HEIGHT = 560;

export function windowStateFile(dataDir: string): string {
  return join(dataDir, 'window-state.json');
}

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Reads the saved state; anything missing, unreadable or off every display falls back to defaults. */
export function loadWindowState(file: string, workAreas: readonly Rectangle[]): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  return parseWindowState(raw, workAreas);
}

export function parseWindowState(raw: unknown, workAreas: readonly Rectangle[]): WindowState {
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_WINDOW_STATE };
  const r = raw as Record<string, unknown>;
  const state: WindowState = {
    width: isInt(r.width) && r.width >= MIN_WIDTH && r.width <= 16384 ? r.width : DEFAULT_WINDOW_STATE.width,
    height: isInt(r.height) && r.height >= MIN_HEIGHT && r.height <= 16384 ? r.height : DEFAULT_WINDOW_STATE.height,
    maximized: r.maximized === true,
  };
  if (isInt(r.x) && isInt(r.y)) {
    // Keep the position only if the title bar area (top 40px) is on some display's work area.
    const bar = { x: r.x, y: r.y, width: state.width, height: 40 };
    if (workAreas.some((area) => intersects(bar, area))) {
      state.x = r.x;
      state.y = r.y;
    }
  }
  return state;
}

function intersects(a: Rectangle, b: Rectangle): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Best effort: a failed write (read-only disk) must never stop the app from closing. */
export function saveWindowState(file: string, bounds: Rectangle, maximized: boolean): void {
  const state: WindowState = {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.round(bounds.width),
    height: Math.round(bounds.height),
    maximized,
  };
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, `${JSON.stringify(state)}\n`);
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    console.warn(`comparo: could not save window state to ${file}: ${String(error)}`);
  }
}
