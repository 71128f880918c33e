// Reading a Hugging Face checkpoint's config.json. What it may hold, family by family, and what
// the encoder derives from it live with the families (main/models/hf-config.ts, main/models/families/).
import { readFileSync } from 'node:fs';
import { type HfConfig, parseHfConfig } from '../models/hf-config';

export { configLabels, type HfConfig, maxSequenceLength, parseHfConfig } from '../models/hf-config';
export type { ProblemType } from '../models/families/config-fields';

export function readHfConfig(path: string): HfConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${path}: missing; a Hugging Face model folder needs config.json.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message}).`);
  }
  return parseHfConfig(json, path);
}
