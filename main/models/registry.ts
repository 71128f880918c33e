// The pretrained families by config.json's model_type (as transformers' models/auto maps a
// config to its modeling classes). A new family: its file in families/ and one line here.
import { bert } from './families/bert';
import { distilbert } from './families/distilbert';
import { electra } from './families/electra';
import type { HfConfig, ModelFamily } from './families/family';
import { roberta } from './families/roberta';

const FAMILIES: readonly ModelFamily[] = [bert, electra, roberta, distilbert];

/** Every registered family, in registration order. */
export function modelFamilies(): readonly ModelFamily[] {
  return FAMILIES;
}

/** The family of a model_type, or null when none is registered for it. */
export function findFamily(modelType: unknown): ModelFamily | null {
  return FAMILIES.find((family) => family.modelType === modelType) ?? null;
}

/** The family of a parsed config (parseHfConfig only lets registered ones through). */
export function familyOf(config: Pick<HfConfig, 'model_type'>): ModelFamily {
  const family = findFamily(config.model_type);
  if (!family) throw new Error(`no model family "${config.model_type}" (registered: ${FAMILIES.map((f) => f.modelType).join(', ')})`);
  return family;
}
