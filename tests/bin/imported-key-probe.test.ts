// `imported-key probe` as users run it: a child process (`node bin/imported-key.ts probe …`) against the real emulator,
// on keys made there with each cloud's own client; and, in process, with a stub adapter whose assumptions fail.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import * as $Kms from '@alicloud/kms20160120';
import { run, type CliIo } from '../../bin/imported-key';
import type { AssumptionVerdict } from '../../provider/clouds/adapter';
import { CLOUD_NAMES } from '../../provider/clouds';
import { kmsClient } from '../support/aws-client';
import { sdkClient } from '../support/alicloud-client';
import { everyCloudEnvironment, useEmulator } from '../support/emulator';
import { huaweiCall } from '../support/huaweicloud-client';
import { pinganCall } from '../support/pingan-client';
import { StubAdapter } from '../support/stub-adapter';

const REPO = path.resolve(__dirname, '../..');
const PROJECT = '0123456789abcdef0123456789abcdef';
// Distinctive, so finding them in the output would mean they leaked.
const ACCESS_KEY = 'AKIDPROBE7Q2';
const SECRET_KEY = 'probe-secret-s3Kr1t-do-not-print';

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment with no credential of this machine's (so none can reach the output or a real cloud), plus `env`. */
function cleanEnvironment(env: Record<string, string>): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|ALIBABA_CLOUD_|ALICLOUD_|HUAWEICLOUD_|HW_|PINGAN_)/.test(name)));
  return { ...kept, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', ...env };
}

/** Runs the CLI as a child process (asynchronously: the emulator answers from this process). */
function probeCli(args: string[], env: Record<string, string> = everyCloudEnvironment(ACCESS_KEY, SECRET_KEY)): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(REPO, 'bin/imported-key.ts'), 'probe', ...args], {
      cwd: REPO, env: cleanEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** No secret, and nothing that looks like a token, a key or a signature (a long base64 / hexadecimal run). */
function assertNothingSecret(outcome: Outcome): void {
  const all = outcome.stdout + outcome.stderr;
  assert.ok(!all.includes(SECRET_KEY), 'the secret is printed');
  const long = /[A-Za-z0-9+/=]{41,}/.exec(all);
  assert.equal(long, null, `a long base64 / hexadecimal run is printed: ${long?.[0].slice(0, 12)}…`);
}

/** The table line of one check: "<label>  <status>  <details>". */
function row(stdout: string, label: string): { status: string; details: string } {
  const line = stdout.split('\n').find((l) => l.startsWith(label + ' '));
  assert.ok(line, `no "${label}" row in:\n${stdout}`);
  const [, status, details] = /^\S+(?: \S+)?\s+(ok|warning|failed|skipped)\s+(.*)$/.exec(line) ?? [];
  assert.ok(status, `no status in "${line}"`);
  return { status, details };
}

describe('imported-key probe (against the emulator)', function () {
  this.timeout(60_000);
  const emu = useEmulator({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY });

  afterEach(async () => {
    await emu.reset();
  });

  /** Per cloud: how to make a key on the emulator with that cloud's own client, and the probe's arguments. */
  const clouds = {
    aws: {
      args: () => ['--cloud', 'aws', '--region', 'us-east-1', '--endpoint', emu.url],
      create: async (origin: 'EXTERNAL' | 'AWS_KMS' = 'EXTERNAL') => {
        const client = kmsClient(emu.url, { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY });
        try {
          return (await client.send(new CreateKeyCommand({ Origin: origin }))).KeyMetadata!.KeyId!;
        } finally {
          client.destroy();
        }
      },
      missing: () => randomUUID(),
    },
    alicloud: {
      args: () => ['--cloud', 'alicloud', '--region', 'cn-hangzhou', '--endpoint', emu.url],
      create: async (origin: 'EXTERNAL' | 'Aliyun_KMS' = 'EXTERNAL') =>
        (await sdkClient(emu.url, ACCESS_KEY, SECRET_KEY).createKey(new $Kms.CreateKeyRequest({ origin, keySpec: 'Aliyun_AES_256' }))).keyMetadata!.keyId!,
      missing: () => randomUUID(),
    },
    huaweicloud: {
      args: () => ['--cloud', 'huaweicloud', '--region', 'cn-north-4', '--endpoint', emu.url, '--project-id', PROJECT],
      create: async (origin: 'external' | 'kms' = 'external') => {
        const reply = await huaweiCall(emu.url, PROJECT, 'create-key', { key_alias: `probe-${randomBytes(4).toString('hex')}`, key_spec: 'AES_256', origin }, { accessKey: ACCESS_KEY, secretKey: SECRET_KEY });
        assert.equal(reply.status, 200, reply.text);
        return reply.body.key_info.key_id as string;
      },
      missing: () => randomUUID(),
    },
    pingan: {
      args: () => ['--cloud', 'pingan', '--region', 'cn-shanghai', '--endpoint', emu.url],
      create: async (origin: '1' | '0' = '1') => {
        const reply = await pinganCall(emu.url, 'CreateCmk', { origin, keyUsage: '0', description: 'probe' }, { accessKeyId: ACCESS_KEY, secret: SECRET_KEY });
        assert.equal(reply.body.code, 'SUCCESS', reply.text);
        return reply.body.keyMetadata.keyId as string;
      },
      missing: () => randomUUID(),
    },
  } as const;

  /** The emulator's counters that moved during `work`. */
  async function callsDuring(work: () => Promise<unknown>): Promise<Record<string, number>> {
    const before = await emu.requestCounts();
    await work();
    const after = await emu.requestCounts();
    return Object.fromEntries(Object.entries(after).filter(([name, n]) => n !== (before[name] ?? 0)).map(([name, n]) => [name, n - (before[name] ?? 0)]));
  }

  const READ_ONLY = /:(DescribeKey|describe-key|GetParametersForImport|get-parameters-for-import)$/i;

  for (const [cloud, setup] of Object.entries(clouds)) {
    it(`${cloud}: an EXTERNAL key passes every check (exit 0), with only reads, and nothing secret printed`, async () => {
      const keyId = await setup.create();
      let outcome: Outcome | undefined;
      const calls = await callsDuring(async () => {
        outcome = await probeCli([...setup.args(), '--key-id', keyId]);
      });
      assert.equal(outcome!.status, 0, outcome!.stdout + outcome!.stderr);
      // Nothing of ours on stderr (the AWS SDK may warn there about this Node version).
      assert.doesNotMatch(outcome!.stderr, /imported-key/);
      assert.equal(row(outcome!.stdout, 'credentials').status, 'ok');
      assert.equal(row(outcome!.stdout, 'clock').status, 'ok');
      assert.match(row(outcome!.stdout, 'key').details, /state PendingImport/);
      assert.deepEqual(row(outcome!.stdout, 'origin'), { status: 'ok', details: 'EXTERNAL: the key takes imported material' });
      const params = row(outcome!.stdout, 'import parameters');
      assert.equal(params.status, 'ok');
      assert.match(params.details, /wrapping key RSA 2048 bits; token of \d+ bytes valid until \S+ \(\d+ s\)/);
      // Ping An's API is partly assumed: its adapter judges each assumption; the others make none.
      if (cloud === 'pingan') assert.match(row(outcome!.stdout, 'assumptions').details, /^\d+ confirmed, 0 contradicted, \d+ not exercised$/);
      else assert.match(row(outcome!.stdout, 'assumptions').details, /makes no assumption to probe/);
      assert.match(outcome!.stdout, /Result: fine/);
      assertNothingSecret(outcome!);
      // Read-only: one description and one set of import parameters, and not one write.
      assert.ok(Object.keys(calls).length > 0);
      for (const name of Object.keys(calls)) assert.match(name, READ_ONLY, `the probe called ${name}`);
      assert.ok(Object.keys(calls).some((name) => /GetParametersForImport|get-parameters/i.test(name)), JSON.stringify(calls));
    });

    it(`${cloud}: a missing key is reported (exit 1)`, async () => {
      const keyId = setup.missing();
      const outcome = await probeCli([...setup.args(), '--key-id', keyId]);
      assert.equal(outcome.status, 1, outcome.stdout + outcome.stderr);
      assert.equal(row(outcome.stdout, 'credentials').status, 'ok');
      const key = row(outcome.stdout, 'key');
      assert.equal(key.status, 'failed');
      assert.match(key.details, new RegExp(`no key "${keyId}" here`));
      assert.equal(row(outcome.stdout, 'import parameters').status, 'skipped');
      assert.match(outcome.stdout, /Result: NOT fine — 1 check failed/);
    });

    it(`${cloud}: a wrong secret is reported as refused credentials (exit 1)`, async () => {
      const keyId = await setup.create();
      const wrong = everyCloudEnvironment(ACCESS_KEY, 'not-the-secret');
      const outcome = await probeCli([...setup.args(), '--key-id', keyId], wrong);
      assert.equal(outcome.status, 1, outcome.stdout + outcome.stderr);
      const credentials = row(outcome.stdout, 'credentials');
      assert.equal(credentials.status, 'failed');
      assert.match(credentials.details, /^refused by the cloud: .*(signature|Signature|authentication)/);
      assert.equal(row(outcome.stdout, 'key').status, 'skipped');
      assert.ok(!outcome.stdout.includes('not-the-secret'));
      assertNothingSecret(outcome);
    });
  }

  it('pingan: the emulator switched to answer otherwise than assumed (digit states, PKCS#1 key, UTC dates, then Alibaba\'s signing key): the probe names each contradiction (exit 1)', async () => {
    const keyId = await clouds.pingan.create();
    const dialect = (body: Record<string, string>) => fetch(`${emu.url}/_emulator/dialect`, { method: 'POST', body: JSON.stringify({ cloud: 'pingan', ...body }) });
    assert.equal((await dialect({ keyState: 'digits', publicKey: 'pkcs1', timeZone: 'UTC' })).status, 200);
    const outcome = await probeCli([...clouds.pingan.args(), '--key-id', keyId]);
    assert.equal(outcome.status, 1, outcome.stdout + outcome.stderr);
    assert.equal(row(outcome.stdout, 'credentials').status, 'ok');
    assert.match(row(outcome.stdout, 'assumptions').details, /^\d+ confirmed, 3 contradicted, \d+ not exercised$/);
    const verdict = (id: string) => new RegExp(`^${id}\\s+(confirmed|contradicted|not exercised)\\s`, 'm').exec(outcome.stdout)?.[1];
    assert.deepEqual(['keyState', 'publicKey', 'timeZone', 'signatureKey', 'importParameterFields'].map(verdict), ['contradicted', 'contradicted', 'contradicted', 'confirmed', 'confirmed']);
    assert.match(outcome.stdout, /seen: keyState as digits/);
    assert.match(outcome.stdout, /PKCS#1 RSAPublicKey/);
    assertNothingSecret(outcome);

    assert.equal((await fetch(`${emu.url}/_emulator/dialect`, { method: 'DELETE' })).status, 200);
    assert.equal((await dialect({ signatureKey: 'secretAmpersand' })).status, 200);
    let signed: Outcome | undefined;
    const calls = await callsDuring(async () => {
      signed = await probeCli([...clouds.pingan.args(), '--key-id', keyId]);
    });
    assert.equal(signed!.status, 1);
    assert.match(row(signed!.stdout, 'credentials').details, /^refused by the cloud: .*SignatureDoesNotMatch/);
    assert.match(signed!.stdout, /^signatureKey\s+contradicted\s.*accepted with rule secretAmpersand/m);
    for (const name of Object.keys(calls)) assert.match(name, READ_ONLY, `the probe called ${name}`);
    assertNothingSecret(signed!);
  });

  it('no credentials at all: "not usable", and the clock not judged (no reply came) (exit 1)', async () => {
    const outcome = await probeCli([...clouds.aws.args(), '--key-id', randomUUID()], {});
    assert.equal(outcome.status, 1, outcome.stdout + outcome.stderr);
    const credentials = row(outcome.stdout, 'credentials');
    assert.equal(credentials.status, 'failed');
    assert.match(credentials.details, /^not usable: .*Could not load credentials/);
    assert.deepEqual(row(outcome.stdout, 'clock'), { status: 'skipped', details: 'not judged: the cloud did not answer, so its time is not known' });
  });

  it('reports a key that is not EXTERNAL, and asks for no import parameters (exit 1)', async () => {
    for (const [cloud, origin] of [['aws', 'AWS_KMS'], ['alicloud', 'Aliyun_KMS'], ['huaweicloud', 'kms'], ['pingan', '0']] as const) {
      const setup = clouds[cloud];
      const keyId = await (setup.create as (o: string) => Promise<string>)(origin);
      let outcome: Outcome | undefined;
      const calls = await callsDuring(async () => {
        outcome = await probeCli([...setup.args(), '--key-id', keyId]);
      });
      assert.equal(outcome!.status, 1, `${cloud}: ${outcome!.stdout}${outcome!.stderr}`);
      const originRow = row(outcome!.stdout, 'origin');
      assert.equal(originRow.status, 'failed', cloud);
      assert.match(originRow.details, /, not EXTERNAL: this key cannot take imported material/);
      assert.equal(row(outcome!.stdout, 'import parameters').status, 'skipped');
      for (const name of Object.keys(calls)) assert.match(name, /:(DescribeKey|describe-key)$/i, `${cloud}: the probe called ${name}`);
    }
  });

  it('--json prints the report for machines: the wrapping key and the token described, never given', async () => {
    const keyId = await clouds.aws.create();
    const outcome = await probeCli([...clouds.aws.args(), '--key-id', keyId, '--json']);
    assert.equal(outcome.status, 0, outcome.stderr);
    const report = JSON.parse(outcome.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.cloud, 'aws');
    assert.equal(report.key.origin, 'EXTERNAL');
    assert.deepEqual(report.checks.map((c: { id: string }) => c.id), ['credentials', 'clock', 'key', 'origin', 'import-parameters', 'assumptions']);
    assert.equal(report.importParameters.wrappingAlgorithm, 'RSAES_OAEP_SHA_256');
    assert.equal(report.importParameters.publicKeyType, 'rsa');
    assert.equal(report.importParameters.publicKeyBits, 2048);
    assert.ok(report.importParameters.tokenBytes > 0);
    assert.ok(report.importParameters.tokenValidForSeconds > 3600);
    assert.equal(typeof report.clock.skewSeconds, 'number');
    assert.ok(!/importToken|publicKey"/.test(outcome.stdout));
    assertNothingSecret(outcome);
  });

  it('--wrapping-algorithm chooses the algorithm (an SM2 wrapping key is read as SM2); one not offered fails the check', async () => {
    const huawei = await clouds.huaweicloud.create();
    const sha1 = await probeCli([...clouds.huaweicloud.args(), '--key-id', huawei, '--wrapping-algorithm', 'RSAES_OAEP_SHA_1']);
    assert.equal(sha1.status, 0, sha1.stdout + sha1.stderr);
    assert.match(row(sha1.stdout, 'import parameters').details, /^RSAES_OAEP_SHA_1 \/ RSA_2048: wrapping key RSA 2048 bits;/);
    const sm2 = await probeCli([...clouds.huaweicloud.args(), '--key-id', huawei, '--wrapping-algorithm', 'SM2PKE']);
    assert.equal(sm2.status, 0, sm2.stdout + sm2.stderr);
    assert.match(row(sm2.stdout, 'import parameters').details, /^SM2PKE \/ SM2: wrapping key SM2; token of/);
    // Alibaba offers SM2 wrapping for SM4 keys only; AWS outside its China Regions not at all: neither is asked for.
    const alibaba = await clouds.alicloud.create();
    const aws = await clouds.aws.create();
    let refused: Outcome[] = [];
    const calls = await callsDuring(async () => {
      refused = [
        await probeCli([...clouds.alicloud.args(), '--key-id', alibaba, '--wrapping-algorithm', 'SM2PKE']),
        await probeCli([...clouds.aws.args(), '--key-id', aws, '--wrapping-algorithm', 'SM2PKE']),
      ];
    });
    assert.deepEqual(refused.map((o) => o.status), [1, 1]);
    assert.match(row(refused[0].stdout, 'import parameters').details, /^SM2PKE is not offered by alicloud for key spec Aliyun_AES_256; offered: RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, RSAES_PKCS1_V1_5$/);
    assert.match(row(refused[1].stdout, 'import parameters').details, /^SM2PKE: .*China/);
    for (const name of Object.keys(calls)) assert.match(name, /:DescribeKey$/, `the probe called ${name}`);
  });

  it("reports the machine's clock against the cloud's: an hour apart is a warning, not a failure", async () => {
    const keyId = await clouds.huaweicloud.create();
    await emu.advanceClock(3600);
    const outcome = await probeCli([...clouds.huaweicloud.args(), '--key-id', keyId, '--json']);
    assert.equal(outcome.status, 0, outcome.stdout + outcome.stderr);
    const report = JSON.parse(outcome.stdout);
    assert.ok(Math.abs(report.clock.skewSeconds + 3600) <= 5, String(report.clock.skewSeconds));
    const clock = report.checks.find((c: { id: string }) => c.id === 'clock');
    assert.equal(clock.status, 'warning');
    // Reply dates carry whole seconds: the hour reads 3599 or 3600 s (and a slow run a few more), as skewSeconds does.
    const behind = Number(/^this machine is (\d+) s behind the cloud/.exec(clock.summary)?.[1]);
    assert.ok(Math.abs(behind - 3600) <= 5, clock.summary);
  });

  it('settings the cloud needs and lacks (Huawei project id) fail the settings check, naming where to put them (exit 1)', async () => {
    const outcome = await probeCli(['--cloud', 'huaweicloud', '--region', 'cn-north-4', '--endpoint', emu.url, '--key-id', randomUUID()]);
    assert.equal(outcome.status, 1, outcome.stdout + outcome.stderr);
    const settings = row(outcome.stdout, 'settings');
    assert.equal(settings.status, 'failed');
    assert.match(settings.details, /projectId is required for huaweicloud: pass the projectId argument or set HUAWEICLOUD_SDK_PROJECT_ID/);
  });

  it('usage errors exit 2 naming the flag: --key-id missing, an unknown --cloud, an unknown --wrapping-algorithm', async () => {
    const missing = await probeCli(['--cloud', 'aws', '--region', 'us-east-1']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^imported-key: --key-id is required\n/);
    assert.equal(missing.stdout, '');
    const unknown = await probeCli(['--cloud', 'gcp', '--key-id', 'k']);
    assert.equal(unknown.status, 2);
    // The registry's clouds, whatever they are (no list of names is kept here).
    assert.ok(unknown.stderr.startsWith(`imported-key: --cloud "gcp" is not supported; supported clouds: ${CLOUD_NAMES.join(', ')}\n`), unknown.stderr);
    assert.ok(CLOUD_NAMES.includes('aws'));
    const cases: Array<[string[], RegExp]> = [
      [['--key-id', 'k'], /--cloud is required/],
      [['--cloud', 'aws', '--key-id', 'k', '--wrapping-algorithm', 'RSA_OAEP'], /--wrapping-algorithm must be one of RSAES_OAEP_SHA_256, /],
      [['--cloud', 'aws', '--key-id', 'k', '--colud', 'x'], /unknown option --colud; options: --cloud, --region, --key-id/],
      [['--cloud', 'aws', '--key-id'], /--key-id needs a value/],
      [['--cloud', 'aws', '--key-id', 'k', '--json=yes'], /--json takes no value/],
    ];
    for (const [args, message] of cases) {
      const { status, stdout, stderr } = await runInProcess(['probe', ...args]);
      assert.equal(status, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, message);
    }
  });
});

async function runInProcess(argv: string[], factory?: Parameters<typeof run>[2]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: () => Buffer.alloc(0) };
  const status = await run(argv, io, factory);
  return { status, stdout, stderr };
}

describe('imported-key probe (with a stub adapter that probes its assumptions)', () => {
  class AssumingAdapter extends StubAdapter {
    destroyed = false;
    constructor(private readonly verdicts: AssumptionVerdict[]) {
      super();
    }
    async probeAssumptions(keyId: string): Promise<AssumptionVerdict[]> {
      this.calls.push(`probeAssumptions ${keyId}`);
      return this.verdicts;
    }
    override destroy(): void {
      this.destroyed = true;
    }
  }

  it('prints every verdict with the fields seen, and exits 1 when one is contradicted', async () => {
    const adapter = new AssumingAdapter([
      { id: 'keyState', summary: 'key states are names (ENABLED…)', verdict: 'contradicted', seen: 'keyMetadata.keyState="3"' },
      { id: 'errorEnvelope', summary: 'errors carry their text in message', verdict: 'confirmed', seen: 'message' },
      { id: 'timeZone', summary: 'dates are in UTC+08:00', verdict: 'not exercised' },
    ]);
    const { keyId } = await adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    adapter.calls.length = 0;
    const outcome = await runInProcess(['probe', '--cloud', 'aws', '--region', 'us-east-1', '--key-id', keyId], (cloud, config) => {
      assert.equal(cloud, 'aws');
      assert.deepEqual(config, { region: 'us-east-1' });
      return adapter;
    });
    assert.equal(outcome.status, 1, outcome.stdout + outcome.stderr);
    assert.match(outcome.stdout, /^keyState\s+contradicted\s+key states are names \(ENABLED…\) \(seen: keyMetadata\.keyState="3"\)$/m);
    assert.match(outcome.stdout, /^errorEnvelope\s+confirmed\s+errors carry their text in message \(seen: message\)$/m);
    assert.match(outcome.stdout, /^timeZone\s+not exercised\s+dates are in UTC\+08:00$/m);
    assert.equal(row(outcome.stdout, 'assumptions').status, 'failed');
    assert.match(outcome.stdout, /Result: NOT fine — 1 check failed, 1 assumption contradicted/);
    assert.deepEqual(adapter.calls, ['describeKey', 'getImportParameters', `probeAssumptions ${keyId}`]);
    assert.ok(adapter.destroyed, 'the adapter is released');
  });

  it('exits 0 when every verdict is confirmed or not exercised; --json carries them', async () => {
    const adapter = new AssumingAdapter([
      { id: 'publicKey', summary: 'the public key is hex of a DER SPKI', verdict: 'confirmed', seen: 'publicKey' },
      { id: 'timeZone', summary: 'dates are in UTC+08:00', verdict: 'not exercised' },
    ]);
    const { keyId } = await adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    const outcome = await runInProcess(['probe', '--cloud', 'aws', '--key-id', keyId, '--json'], () => adapter);
    assert.equal(outcome.status, 0, outcome.stdout);
    const report = JSON.parse(outcome.stdout);
    assert.deepEqual(report.assumptions.map((a: AssumptionVerdict) => a.verdict), ['confirmed', 'not exercised']);
    assert.equal(report.assumptions[0].seen, 'publicKey');
  });
});
