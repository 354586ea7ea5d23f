// Alibaba's reply formats: JSON (what SDKs ask for with Format=JSON), or XML when a client sends
// Format=XML — success under <ActionResponse>, errors under <Error>, arrays as repeated elements.

import type { ProtocolResponse } from '../types';

export type ReplyFormat = 'JSON' | 'XML';

export function replyFormat(params: Record<string, string>): ReplyFormat {
  return (params.Format ?? '').toUpperCase() === 'XML' ? 'XML' : 'JSON';
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

function toXml(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => toXml(name, item)).join('');
  if (value !== null && typeof value === 'object') {
    return `<${name}>${Object.entries(value as Record<string, unknown>).map(([k, v]) => toXml(k, v)).join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value ?? ''))}</${name}>`;
}

export function render(status: number, body: Record<string, unknown>, format: ReplyFormat, root: string): ProtocolResponse {
  if (format === 'XML') {
    return { status, headers: { 'content-type': 'text/xml;charset=utf-8' }, body: `<?xml version="1.0" encoding="UTF-8"?>${toXml(root, body)}` };
  }
  return { status, headers: { 'content-type': 'application/json;charset=utf-8' }, body: JSON.stringify(body) };
}
