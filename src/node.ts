/**
 * glimpse's Node.js-only additions (file system): `import { saveModel } from 'glimpse/node'`.
 * Everything else is in the main, browser-safe entry.
 *
 * @packageDocumentation
 */
export {
  writeFileAtomic, saveSafetensors, loadSafetensors, saveModel, loadModel, MODEL_FILE, CONFIG_FILE,
} from './io/node.js';
