// The engine-protocol harness, for tests: `new Engine({projectDir, stateFile}).up()` and friends.
export { Engine, DeploymentFailed, IN_REPO_NODE_ARGS } from './engine';
export type { EngineOptions, RunOptions, RunResult, Step, StepOp, Diagnostic, ConfigValue, Verb } from './engine';
export type { ResourceState, StackState } from './state';
export { isSecret, stripSecrets, maskSecrets, SPECIAL_SIG_KEY, SECRET_SIG, UNKNOWN, PROVIDER_KEY } from './properties';
export { transcript } from './transcript';
