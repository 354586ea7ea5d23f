// The most bytes a plaintext source may yield: far above any key material (an RSA-4096 private key in DER is under
// 2.5 KiB), low enough that a wrong file or a chatty command is refused rather than held in memory.
export const MAX_MATERIAL_BYTES = 16 * 1024;
