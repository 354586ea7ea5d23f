// Helpers for the AWS emulator tests: an unmodified SDK client pointed at the emulator, a raw
// SigV4-signed request (signed with the same signer the SDK uses) for inputs the SDK would refuse
// to send, and the expected-error assertion.

import assert from 'node:assert/strict';
import { KMSClient } from '@aws-sdk/client-kms';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { EMULATOR_CREDENTIALS, useEmulator, type EmulatorHandle } from './emulator';
import { useAwsEnvironment } from './aws-environment';
import { AwsKmsAdapter } from '../../provider/clouds/aws/adapter';
import type { ImportMaterialRequest } from '../../provider/clouds/adapter';
import { wrapKeyMaterial } from '../../core/wrapping';

export const REGION = 'us-east-1';

export function kmsClient(url: string, options: { secretAccessKey?: string; accessKeyId?: string; region?: string; maxAttempts?: number } = {}): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: options.region ?? REGION,
    credentials: {
      accessKeyId: options.accessKeyId ?? EMULATOR_CREDENTIALS.accessKeyId,
      secretAccessKey: options.secretAccessKey ?? EMULATOR_CREDENTIALS.secretAccessKey,
    },
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
}

/** For one describe(): the emulator, an SDK client on it that tries each call once, and an emulator reset after every test. */
export function useKmsOnEmulator(): { readonly emu: EmulatorHandle; readonly kms: KMSClient } {
  const emu = useEmulator();
  let kms: KMSClient | undefined;
  before(() => {
    kms = kmsClient(emu.url, { maxAttempts: 1 });
  });
  afterEach(async () => {
    await emu.reset();
  });
  after(() => {
    kms?.destroy();
    kms = undefined;
  });
  return {
    emu,
    get kms() {
      if (!kms) throw new Error('the KMS client exists inside tests only: call useKmsOnEmulator() inside describe()');
      return kms;
    },
  };
}

/** The material fields of an import besides the key, token and wrapped bytes (AWS: ImportType, KeyMaterialId, …). */
type ImportFields = Omit<ImportMaterialRequest, 'keyId' | 'importToken' | 'encryptedKeyMaterial'>;

/**
 * For one describe(): the emulator, the AWS environment, and the provider's AWS adapter (its unmodified SDK client) on
 * it; `importInto` wraps material under fresh import parameters (RSAES_OAEP_SHA_256) and imports it with `fields`.
 */
export function useAwsAdapterOnEmulator(): { readonly emu: EmulatorHandle; readonly adapter: AwsKmsAdapter; importInto(keyId: string, material: Buffer, fields?: ImportFields): ReturnType<AwsKmsAdapter['importMaterial']> } {
  const emu = useEmulator();
  useAwsEnvironment();
  let adapter: AwsKmsAdapter | undefined;
  before(() => {
    adapter = new AwsKmsAdapter({ region: REGION, endpoint: emu.url });
  });
  after(() => adapter?.destroy());
  const current = (): AwsKmsAdapter => {
    if (!adapter) throw new Error('the adapter exists inside tests only: call useAwsAdapterOnEmulator() inside describe()');
    return adapter;
  };
  return {
    emu,
    get adapter() {
      return current();
    },
    async importInto(keyId, material, fields = {}) {
      const p = await current().getImportParameters(keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
      const encryptedKeyMaterial = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: p.publicKey, material });
      return current().importMaterial({ keyId, importToken: p.importToken, encryptedKeyMaterial, ...fields });
    },
  };
}

export interface RawResponse {
  status: number;
  json: Record<string, unknown>;
  text: string;
}

/** POSTs `body` to the emulator as TrentService.<operation>, SigV4-signed unless `unsigned`; `tamper` edits the body after signing. */
export async function sendRaw(
  url: string,
  operation: string,
  body: string | Buffer,
  options: { secretAccessKey?: string; unsigned?: boolean; tamper?: (body: Buffer) => Buffer; contentSha256Header?: boolean; signingDate?: Date } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  let request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    headers: {
      host: `${hostname}:${port}`,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `TrentService.${operation}`,
    },
    body: bytes,
  });
  if (!options.unsigned) {
    const signer = new SignatureV4({
      credentials: { accessKeyId: EMULATOR_CREDENTIALS.accessKeyId, secretAccessKey: options.secretAccessKey ?? EMULATOR_CREDENTIALS.secretAccessKey },
      region: REGION,
      service: 'kms',
      sha256: Hash.bind(null, 'sha256'),
      // false signs like botocore / the AWS CLI: no x-amz-content-sha256 header.
      applyChecksum: options.contentSha256Header ?? true,
    });
    request = (await signer.sign(request, options.signingDate ? { signingDate: options.signingDate } : {})) as HttpRequest;
  }
  const sent = options.tamper ? options.tamper(bytes) : bytes;
  const headers = { ...request.headers } as Record<string, string>;
  delete headers.host;
  const response = await fetch(`${url}/`, { method: 'POST', headers, body: sent });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    json = {};
  }
  return { status: response.status, json, text };
}

/** Asserts the SDK call fails with AWS's exception `name` and HTTP `status`; returns the error. */
export async function expectAwsError(promise: Promise<unknown>, name: string, status: number): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    assert.equal(e.$metadata?.httpStatusCode, status, `expected HTTP ${status} for ${name}`);
    return e;
  }
  assert.fail(`expected ${name} (${status}), but the call succeeded`);
}
