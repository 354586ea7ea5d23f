// Every cloud protocol the emulator serves, tried in this order. Add yours with one line.

import type { Protocol } from './types';
import { awsProtocol } from './aws/protocol';
import { huaweicloudProtocol } from './huaweicloud/protocol';
import { alicloudProtocol } from './alicloud/protocol';
import { pinganProtocol } from './pingan/protocol';

export const protocols: readonly Protocol[] = [
  awsProtocol,
  huaweicloudProtocol,
  alicloudProtocol,
  pinganProtocol,
];
