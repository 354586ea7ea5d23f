// Mocha runs the TypeScript tests through ts-node; the reporter adds the plain
// "N passed, N failed" closing line CI reads.
module.exports = {
  require: ['ts-node/register/transpile-only'],
  extension: ['ts'],
  reporter: './tests/support/reporter.js',
  timeout: 60000,
  exit: true,
};
