// The shared server with a test protocol: dispatch to the first matching protocol, counting,
// a throwing handler answered with the protocol's internal error (the server stays up), oversized
// bodies, requests no protocol claims, and loopback-only listening by default.

import assert from 'node:assert/strict';
import * as http from 'node:http';
import { startEmulator, type RunningEmulator } from '../../emulator';
import type { Protocol } from '../../emulator/protocols/types';

const echo: Protocol = {
  cloud: 'echo',
  matches: (request) => request.path.startsWith('/echo/'),
  operation: (request) => request.path.split('/')[2] ?? '',
  handle(request) {
    if (request.path === '/echo/Boom/') throw new Error('handler bug with secret bytes');
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ length: request.body.length }) };
  },
  errorResponse: (kind) => ({ status: kind === 'tooLarge' ? 413 : kind === 'throttling' ? 429 : kind === 'unavailable' ? 503 : 500, body: JSON.stringify({ kind }) }),
};

describe('emulator / server: dispatch, counting, robustness', () => {
  let emu: RunningEmulator;
  const lines: string[] = [];
  before(async () => {
    emu = await startEmulator({ protocols: [echo], maxBodyBytes: 1024, log: (l) => lines.push(l) });
  });
  after(async () => {
    await emu.close();
  });

  it('listens on 127.0.0.1 by default', () => {
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emu.host, '127.0.0.1');
  });

  it('hands matching requests to the protocol and counts them as <cloud>:<operation>', async () => {
    const response = await fetch(`${emu.url}/echo/Ping/`, { method: 'POST', body: 'abc' });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { length: 3 });
    assert.equal(emu.requestCounts()['echo:Ping'], 1);
  });

  it('a throwing handler gets the protocol’s internal error, the log has only the error name, and the server keeps serving', async () => {
    const response = await fetch(`${emu.url}/echo/Boom/`, { method: 'POST' });
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { kind: 'internal' });
    assert.ok(lines.some((l) => l === 'echo Boom handler error Error'));
    assert.ok(!lines.some((l) => l.includes('secret bytes')));
    assert.equal((await fetch(`${emu.url}/echo/Ping/`, { method: 'POST' })).status, 200);
  });

  it('an oversized body gets the protocol’s tooLarge error without reaching the handler', async () => {
    const response = await fetch(`${emu.url}/echo/Ping/`, { method: 'POST', body: 'x'.repeat(5000) });
    assert.equal(response.status, 413);
    assert.deepEqual(await response.json(), { kind: 'tooLarge' });
  });

  it('a request no protocol claims gets a JSON 404 that says what the emulator recognises', async () => {
    const response = await fetch(`${emu.url}/somewhere`);
    assert.equal(response.status, 404);
    assert.match(String(((await response.json()) as { message: string }).message), /no cloud protocol matches/);
  });

  it('[real time] keeps an idle keep-alive connection past 6 s, so a client reusing it is not cut off; close() ends it', async function () {
    this.timeout(15_000);
    // The Alibaba SDK's agent keeps idle sockets forever; a server closing them at 5 s raced its reuse ("socket hang up").
    const other = await startEmulator({ protocols: [echo] });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = () => new Promise<number>((resolve, reject) => {
      const request = http.request(`${other.url}/echo/Ping/`, { method: 'POST', agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(request.socket!.localPort!));
      });
      request.on('error', reject);
      request.end('x');
    });
    try {
      const first = await post();
      await new Promise((resolve) => setTimeout(resolve, 7_000)); // Node closed idle sockets of a 5 s server at about 6 s
      assert.equal(await post(), first, 'the same connection served the second request');
      let closedByServer = false;
      for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.once('close', () => { closedByServer = true; });
      await other.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(closedByServer, 'close() ended the idle connection');
    } finally {
      agent.destroy();
      await other.close();
    }
  });

  it('close() resolves and is idempotent', async () => {
    const other = await startEmulator({ protocols: [echo] });
    await Promise.all([other.close(), other.close()]);
    await assert.rejects(fetch(`${other.url}/echo/Ping/`, { method: 'POST' }));
  });
});
