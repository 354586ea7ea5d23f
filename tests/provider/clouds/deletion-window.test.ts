// provider/clouds/deletion-window.ts: the adapters' last guard on a deletion window, from the cloud's own profile.
import { strict as assert } from 'node:assert';
import { ImportedKeyError } from '../../../core/errors';
import { requireDeletionWindow } from '../../../provider/clouds/deletion-window';
import { huaweicloudProfile } from '../../../provider/clouds/huaweicloud/profile';
import { pinganProfile } from '../../../provider/clouds/pingan/profile';

describe('requireDeletionWindow', () => {
  it('lets through whole days within the profile\'s range, ends included', () => {
    for (const days of [7, 19, 30]) requireDeletionWindow(pinganProfile, days);
    for (const days of [7, 1096]) requireDeletionWindow(huaweicloudProfile, days);
  });

  it('refuses fractions and days outside the range with InvalidArgument naming the argument, the range and the cloud', () => {
    for (const days of [6, 31, 7.5, Number.NaN]) {
      assert.throws(() => requireDeletionWindow(pinganProfile, days), (e: unknown) =>
        e instanceof ImportedKeyError && e.code === 'InvalidArgument' && e.message === 'deletionWindowInDays must be a whole number from 7 to 30 for pingan');
    }
    assert.throws(() => requireDeletionWindow(huaweicloudProfile, 1097), /from 7 to 1096 for huaweicloud/);
  });
});
