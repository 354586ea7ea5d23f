// The package root: what users import.
export { ImportedKey } from './importedKey';
export type { ImportedKeyArgs, ImportedKeyState } from './importedKey';
