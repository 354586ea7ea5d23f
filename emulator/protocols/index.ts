// Every cloud protocol the emulator serves, tried in this order. Add yours with one line.

import type { Protocol } from './types';
import { awsProtocol } from './aws';
import { huaweiProtocol } from './huawei';
import { alibabaProtocol } from './alibaba';

export const protocols: readonly Protocol[] = [
  awsProtocol,
  huaweiProtocol,
  alibabaProtocol,
];
