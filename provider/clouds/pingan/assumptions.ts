// PLACEHOLDER: written in full by the provider work; SIGNING_RULES is the signer's contract.
import type { PinganSigningRules } from '../../../core/signers/pingan';
export const SIGNING_RULES: PinganSigningRules = { pairSeparator: '&', keySuffix: '', lowercase: true, prefix: '' };
