// Every cloud protocol the emulator serves, tried in this order. Add yours with one line.

import type { Protocol } from './types';
import { awsProtocol } from './aws/protocol';
import { huaweiProtocol } from './huaweicloud/protocol';
import { alibabaProtocol } from './alicloud/protocol';

export const protocols: readonly Protocol[] = [
  awsProtocol,
  huaweiProtocol,
  alibabaProtocol,
];
