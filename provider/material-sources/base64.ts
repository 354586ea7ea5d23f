// Base64 text from an environment variable or a command's output, decoded strictly: whitespace (a trailing newline)
// is ignored, anything else not base64 is refused. The error says what is wrong, never the text.
export function decodeBase64Text(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}
