/**
 * Canonical dataset JSON: a pure, text-only form of Redis databases (docs/dataset-json.md).
 * datasetToJson writes it canonically; datasetFromJson reads it with typed errors.
 */
export { base64KeyPrefix, byteKeyText, byteValueJson } from './byte-string-json.ts';
export { datasetFromJson } from './dataset-from-json.ts';
export { DatasetJsonError } from './dataset-json-error.ts';
export { datasetJsonChunks, datasetToJson, scoreJson, zsetPairsInOrder } from './dataset-to-json.ts';
