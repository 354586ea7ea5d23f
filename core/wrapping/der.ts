// Just enough DER to read and write the few structures wrapping needs (SPKI, PKCS#8, SM2 ciphertext).
// Strict on purpose: definite lengths only, no trailing bytes, minimal length encoding.

export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 } as const;

export interface DerNode {
  tag: number;
  /** The value bytes (a view into the input). */
  value: Buffer;
}

/** Thrown on malformed DER; callers turn it into an error that names their argument. */
export class DerError extends Error {}

function readLength(input: Buffer, offset: number): { length: number; next: number } {
  if (offset >= input.length) throw new DerError('truncated length');
  const first = input[offset];
  if (first < 0x80) return { length: first, next: offset + 1 };
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new DerError('unsupported length form');
  if (offset + 1 + count > input.length) throw new DerError('truncated length');
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + input[offset + 1 + i];
  if (length < 0x80 || (count > 1 && input[offset + 1] === 0)) throw new DerError('non-minimal length');
  return { length, next: offset + 1 + count };
}

/** Reads one TLV at `offset`; returns the node and the offset after it. */
export function readNode(input: Buffer, offset = 0): { node: DerNode; next: number } {
  if (offset >= input.length) throw new DerError('truncated');
  const tag = input[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  const { length, next } = readLength(input, offset + 1);
  if (next + length > input.length) throw new DerError('truncated value');
  return { node: { tag, value: input.subarray(next, next + length) }, next: next + length };
}

/** Parses a whole buffer as exactly one TLV of the expected tag. */
export function parseOne(input: Buffer, expectedTag: number): DerNode {
  const { node, next } = readNode(input, 0);
  if (node.tag !== expectedTag) throw new DerError(`expected tag 0x${expectedTag.toString(16)}`);
  if (next !== input.length) throw new DerError('trailing bytes');
  return node;
}

/** The children of a constructed value (e.g. a SEQUENCE's value). */
export function children(value: Buffer): DerNode[] {
  const nodes: DerNode[] = [];
  let offset = 0;
  while (offset < value.length) {
    const { node, next } = readNode(value, offset);
    nodes.push(node);
    offset = next;
  }
  return nodes;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DerError(`${what}: unexpected structure`);
  return node;
}

/** Dotted-decimal form of an OBJECT IDENTIFIER value. */
export function decodeOid(value: Buffer): string {
  if (value.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let current = 0;
  for (let i = 0; i < value.length; i++) {
    current = current * 128 + (value[i] & 0x7f);
    if ((value[i] & 0x80) === 0) {
      parts.push(current);
      current = 0;
    } else if (i === value.length - 1) {
      throw new DerError('truncated OID');
    }
  }
  const first = parts[0] < 80 ? Math.floor(parts[0] / 40) : 2;
  return [first, parts[0] - first * 40, ...parts.slice(1)].join('.');
}

/** Value bytes of a non-negative INTEGER, without the sign byte. */
export function unsignedInteger(node: DerNode): Buffer {
  const v = node.value;
  if (v.length === 0) throw new DerError('empty INTEGER');
  if (v[0] & 0x80) throw new DerError('negative INTEGER');
  if (v.length > 1 && v[0] === 0 && (v[1] & 0x80) === 0) throw new DerError('non-minimal INTEGER');
  return v[0] === 0 && v.length > 1 ? v.subarray(1) : v;
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function encode(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

/** INTEGER from unsigned big-endian bytes (minimal form, sign byte added when needed). */
export function encodeUnsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  let v = bytes.subarray(start);
  if (v.length === 0) v = Buffer.from([0]);
  if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return encode(TAG.INTEGER, v);
}

export function encodeSequence(items: Buffer[]): Buffer {
  return encode(TAG.SEQUENCE, Buffer.concat(items));
}
