// Loaded by .mocharc.js before every test file: the provider paces its calls to each cloud's published request quotas
// (provider/clouds/pacer.ts), AWS's GetParametersForImport at 0.25 per second — one key every 4 s. The suite creates
// keys by the hundred in one process (the provider tests) and several per `pulumi up`, against an emulator that has no
// quotas unless a test switches them on, so every quota is scaled ×100 here (the variable the issue allows tests to
// set: the ratios stay the clouds'). It reaches the provider hosts the engines start through their environment. The
// quota tests set their own scale (tests/scenarios/load.test.ts) or pass the environment explicitly (the pacer's own tests).
process.env.IMPORTED_KEY_QUOTA_SCALE ??= '100';
