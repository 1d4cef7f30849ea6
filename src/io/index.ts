/**
 * Checkpoint formats as bytes in, bytes out (no file system, so the browser can use them);
 * the Node.js file functions are in `glimpse/node`.
 *
 * @packageDocumentation
 */
export {
  encodeSafetensors, decodeSafetensors, parseSafetensorsHeader, SAFETENSORS_DTYPES, MAX_HEADER_BYTES,
  WEIGHT_DTYPES, WEIGHT_DTYPE_NAMES, type WeightDtype, type WeightDtypeRule, type EncodeOptions,
  type SafetensorsDtype, type SafetensorsEntry, type SafetensorsHeader, type SafetensorsContent,
} from './safetensors.js';
export { halfToFloat, bfloat16ToFloat, floatToHalf, floatToBfloat16 } from './half.js';
