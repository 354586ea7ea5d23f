// Test-only: sends Huawei KMS requests signed by Huawei's own Node SDK signer (@huaweicloud/huaweicloud-sdk-core
// AKSKSigner, unmodified), so the emulator is checked against Huawei's client rather than against our own signer.
import { signRequest } from '../../core/signers/huaweicloud';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');

export interface HuaweiReply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface CallOptions {
  accessKey?: string;
  secretKey?: string;
}

/** POST /v1.0/{project}/kms/{operation} with `data` as JSON, signed by Huawei's SDK signer. */
export async function huaweiCall(baseUrl: string, project: string, operation: string, data: unknown, options: CallOptions = {}): Promise<HuaweiReply> {
  const url = `${baseUrl}/v1.0/${project}/kms/${operation}`;
  const headers = AKSKSigner.sign(
    { method: 'POST', endpoint: url, headers: { 'content-type': 'application/json;charset=UTF-8', 'X-Project-Id': project }, queryParams: {}, data },
    { getAk: () => options.accessKey ?? 'test', getSk: () => options.secretKey ?? 'test' },
  );
  return send(url, headers, JSON.stringify(data));
}

/** Sends a raw body (e.g. broken JSON) signed with our signer; `mutate` may tamper with the request after signing. */
export async function rawCall(
  baseUrl: string,
  project: string,
  operation: string,
  body: string,
  mutate: (headers: Record<string, string>) => { headers: Record<string, string>; body: string } = (headers) => ({ headers, body }),
): Promise<HuaweiReply> {
  const url = new URL(`${baseUrl}/v1.0/${project}/kms/${operation}`);
  const signed = signRequest(
    { method: 'POST', path: url.pathname, headers: { host: url.host, 'content-type': 'application/json' }, body },
    { accessKey: 'test', secretKey: 'test' },
  );
  const sent = mutate(signed);
  return send(url.href, sent.headers, sent.body);
}

async function send(url: string, headers: Record<string, string>, body: string): Promise<HuaweiReply> {
  const { host: _host, ...rest } = headers; // fetch sets Host itself (the same host:port that was signed)
  const response = await fetch(url, { method: 'POST', headers: rest, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}
