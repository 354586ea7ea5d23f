// The dialect switch (emulator/dialects.ts and the /_emulator/dialect control): generic over clouds and points, one per
// emulator, every bad input a 400 naming the field and the allowed values, nothing half-applied.
import { strict as assert } from 'node:assert';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { Dialects } from '../../emulator/dialects';

describe('emulator: dialects', () => {
  describe('Dialects', () => {
    const make = () => new Dialects([{ cloud: 'demo', names: ['demo', 'old-demo'], points: { shape: ['a', 'b', 'c'], zone: ['x', 'y'] } }]);

    it('answers the first variant until one is chosen, takes the cloud by any of its names, and clears', () => {
      const dialects = make();
      assert.deepEqual(dialects.of('demo'), { shape: 'a', zone: 'x' });
      assert.deepEqual(dialects.set({ cloud: 'old-demo', shape: 'c' }), { shape: 'c', zone: 'x' });
      assert.equal(dialects.variant('demo', 'shape'), 'c');
      assert.deepEqual(dialects.list(), { demo: { shape: 'c', zone: 'x' } });
      dialects.clear();
      assert.equal(dialects.variant('demo', 'shape'), 'a');
      assert.deepEqual(dialects.of('nobody'), {});
      assert.throws(() => dialects.variant('demo', 'nothing'), /no dialect point 'nothing'/);
    });

    it('refuses bad input naming the field and the allowed values, and applies nothing then', () => {
      const dialects = make();
      const cases: Array<[unknown, RegExp]> = [
        [null, /the body must be a JSON object/],
        [[], /the body must be a JSON object/],
        [{ shape: 'b' }, /'cloud' must be one of demo/],
        [{ cloud: 'aws', shape: 'b' }, /'cloud' must be one of demo/],
        [{ cloud: 'demo' }, /name at least one point of demo: shape, zone/],
        [{ cloud: 'demo', shape: 'b', colour: 'red' }, /unknown field 'colour' for demo; allowed: cloud, shape, zone/],
        [{ cloud: 'demo', zone: 'y', shape: 'd' }, /'shape' must be one of a, b, c/],
        [{ cloud: 'demo', shape: 1 }, /'shape' must be one of a, b, c/],
      ];
      for (const [input, message] of cases) assert.throws(() => dialects.set(input), message, JSON.stringify(input));
      assert.deepEqual(dialects.of('demo'), { shape: 'a', zone: 'x' }, 'nothing half-applied');
    });
  });

  describe('the /_emulator/dialect control', () => {
    let one: RunningEmulator;
    let two: RunningEmulator;
    before(async () => {
      [one, two] = await Promise.all([startEmulator(), startEmulator()]);
    });
    after(async () => {
      await Promise.all([one.close(), two.close()]);
    });

    async function send(url: string, method: string, body?: string): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const response = await fetch(`${url}/_emulator/dialect`, { method, body, headers: body === undefined ? {} : { 'content-type': 'application/json' } });
      return { status: response.status, json: await response.json() };
    }

    it('answers a bad body with 400 naming the field and the allowed values', async () => {
      const cases: Array<[string, RegExp]> = [
        ['not json', /the body must be JSON/],
        ['[1]', /the body must be a JSON object/],
        ['{"cloud":"aws","keyState":"digits"}', /'cloud' must be one of pingan/],
        ['{"cloud":"pingan","keystate":"digits"}', /unknown field 'keystate' for pingan; allowed: cloud, keyState, publicKey, tokenExpireTime, errorEnvelope, signatureKey, importParameterFields, timeZone/],
        ['{"cloud":"pingan","keyState":"numbers"}', /'keyState' must be one of names, digits, alibaba/],
        ['{"cloud":"pingan","timeZone":"+09:00"}', /'timeZone' must be one of \+08:00, UTC/],
      ];
      for (const [body, message] of cases) {
        const reply = await send(one.url, 'POST', body);
        assert.equal(reply.status, 400, body);
        assert.match(reply.json.message, message);
      }
      assert.equal((await send(one.url, 'GET')).json.dialects.pingan.keyState, 'names');
    });

    it('holds one dialect per emulator', async () => {
      assert.equal((await send(one.url, 'POST', '{"cloud":"pingan","keyState":"digits"}')).status, 200);
      assert.equal((await send(one.url, 'GET')).json.dialects.pingan.keyState, 'digits');
      assert.equal((await send(two.url, 'GET')).json.dialects.pingan.keyState, 'names');
      assert.equal(one.dialects.variant('pingan', 'keyState'), 'digits');
      assert.equal((await send(one.url, 'DELETE')).json.dialects.pingan.keyState, 'names');
    });

    it('is named in the unknown-control message', async () => {
      const response = await fetch(`${one.url}/_emulator/dialects`);
      assert.equal(response.status, 404);
      assert.match(((await response.json()) as { message: string }).message, /GET\|POST\|DELETE \/_emulator\/dialect/);
    });
  });
});
