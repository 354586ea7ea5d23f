// What the demo needs from "a Pulumi": set config, run the verbs, read a resource's outputs.
// Two implementations: the real `pulumi` CLI (pulumi-cli.ts) and the engine harness (harness.ts).

export interface VerbOutcome {
  ok: boolean;
  /** One line per step ("create demo-key", "refresh update demo-key [keyState]"), or the CLI's summary. */
  summary: string[];
  error?: string;
}

export interface StackDriver {
  /** Says which Pulumi runs the demo. */
  readonly description: string;
  init(): Promise<void>;
  setConfig(key: string, value: string, secret?: boolean): Promise<void>;
  up(): Promise<VerbOutcome>;
  refresh(): Promise<VerbOutcome>;
  /** `pulumi preview --refresh --expect-no-changes`. */
  previewExpectingNoChanges(): Promise<VerbOutcome>;
  destroy(): Promise<VerbOutcome>;
  /** The recorded outputs of the resource `name` (secrets masked or absent). */
  resourceOutputs(name: string): Promise<Record<string, unknown>>;
  /** The stack's state as stored (to check that no material is in it). */
  storedState(): Promise<string>;
  /** Everything the runs printed or logged so far. */
  transcript(): string;
  dispose(): Promise<void>;
}
