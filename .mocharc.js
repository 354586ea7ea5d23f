// Mocha runs the TypeScript tests through ts-node; the reporter adds the plain
// "N passed, N failed" closing line CI reads; quota-scale.ts scales the request quotas the provider paces to.
module.exports = {
  require: ['ts-node/register/transpile-only', './tests/support/quota-scale.ts'],
  extension: ['ts'],
  reporter: './tests/support/reporter.js',
  timeout: 60000,
  exit: true,
};
