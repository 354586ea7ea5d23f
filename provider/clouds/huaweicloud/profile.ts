// What `check` knows about Huawei Cloud KMS offline, and how to build its adapter.
import type { WrappingAlgorithm } from '../../wrapping';
import type { AdapterConfig, CloudProfile, KmsAdapter } from '../adapter';

export const KEY_SPECS = ['AES_256', 'SM4'] as const;

/** RSAES_OAEP_SHA_256 is Huawei's default; SM2PKE goes on the wire as SM2_ENCRYPT; the last two are older regions'. */
const ALGORITHMS: readonly WrappingAlgorithm[] = ['RSAES_OAEP_SHA_256', 'SM2PKE', 'RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1'];

export const KEY_ID_PATTERN = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;

export const huaweicloudProfile: CloudProfile = {
  cloud: 'huaweicloud',
  keySpecs: KEY_SPECS,
  defaultKeySpec: 'AES_256',
  wrappingAlgorithms(keySpec: string): readonly WrappingAlgorithm[] {
    return (KEY_SPECS as readonly string[]).includes(keySpec) ? ALGORITHMS : [];
  },
  wrappingKeySpecs(algorithm: WrappingAlgorithm): readonly string[] {
    if (algorithm === 'SM2PKE') return ['SM2'];
    return ALGORITHMS.includes(algorithm) ? ['RSA_2048'] : [];
  },
  // Huawei accepts 7-1096 days; 7 is what its console and Terraform provider use when nothing is set.
  deletionWindowDays: { min: 7, max: 1096, default: 7 },
  keyUsages(keySpec: string): readonly string[] {
    return (KEY_SPECS as readonly string[]).includes(keySpec) ? ['ENCRYPT_DECRYPT'] : [];
  },
  keyIdPattern: KEY_ID_PATTERN,
  createAdapter(config: AdapterConfig): KmsAdapter {
    // Loaded on use so that `check` never reads credentials.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { HuaweiKmsAdapter } = require('./adapter') as typeof import('./adapter');
    return HuaweiKmsAdapter.fromConfig(config);
  },
};
