// The package root: what users import.
export { ImportedKey } from './imported-key';
export type { ImportedKeyArgs, ImportedKeyState } from './imported-key';
