// Remembers which workspace the desktop app opened last (a small JSON file in Electron's userData folder).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from '../store/images';

interface Settings {
  workspace?: string;
}

export function readSettings(userData: string): Settings {
  const file = join(userData, 'settings.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Settings;
  } catch {
    return {};
  }
}

export function writeSettings(userData: string, settings: Settings): void {
  writeAtomically(join(userData, 'settings.json'), JSON.stringify(settings, null, 2));
}
