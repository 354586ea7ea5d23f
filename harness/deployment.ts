// One verb's run over one stack state: the step generator and executor. For each registration it
// calls Check → Diff → Create / Update / Delete on the host the way pulumi/pulumi's step generator
// does (pkg/resource/deploy/step_generator.go). Where it guesses at the engine, a comment says "Guess:".

import type { Severity } from './engine-service';
import { InitFailedError, ProviderHost } from './host';
import type { ReadRegistration, Registration, RegistrationAnswer } from './program';
import { annotateSecrets, changedKeys, markSecretOutputs, PropertyMap, stripSecrets } from './properties';
import type { ResourceState, StackState } from './state';
import { Diagnostic, RunResult, Step, StepFailed } from './types';

const DYNAMIC_PACKAGE = 'pulumi-nodejs';

export interface StackIdentity {
  project: string;
  stack: string;
}

/** One verb's run: the step generator and executor, over one state. */
export class Deployment {
  host!: ProviderHost;
  failed = false;
  /** URNs the program registered in this run. */
  private readonly seen = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Resources this run replaced (create-before-delete), deleted once the program is done. */
  private readonly replacedThisRun = new Set<ResourceState>();

  constructor(
    private readonly stackId: StackIdentity,
    private readonly state: StackState,
    private readonly result: RunResult,
    private readonly dryRun: boolean,
    private readonly save: () => void,
    private readonly diag: (severity: Severity, source: Diagnostic['source'], message: string, urn?: string) => void,
  ) {}

  fail(message: string, urn?: string): never {
    if (!this.failed) {
      this.failed = true;
      this.result.ok = false;
      this.result.error = message;
    }
    this.diag('error', 'engine', message, urn);
    throw new StepFailed(message);
  }

  private persist(): void {
    if (!this.dryRun) this.save();
  }

  private step(s: Step): Step {
    if (this.dryRun) s.planned = true;
    this.result.steps.push(s);
    return s;
  }

  private urnOf(type: string, name: string, parent: string): string {
    // Resources parented to the stack (or to nothing, under mocks) get no parent type prefix.
    let qualified = type;
    if (parent) {
      const parentType = parent.split('::')[2];
      if (parentType && parentType !== 'pulumi:pulumi:Stack') qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${this.stackId.stack}::${this.stackId.project}::${qualified}::${name}`;
  }

  private rpc<T>(method: string, urn: string, call: () => Promise<T>): Promise<T> {
    this.result.rpcs.push(`${method} ${urn}`);
    return call();
  }

  /** Registrations wait for this (the host being ready). */
  waitFor(ready: Promise<unknown>): void {
    this.queue = ready;
  }

  /** Registrations are handled one at a time, in the order the program makes them. */
  register(r: Registration): Promise<RegistrationAnswer> {
    const next = this.queue.then(() => this.registerOne(r));
    this.queue = next.catch(() => undefined);
    return next;
  }

  readExternal(r: ReadRegistration): Promise<RegistrationAnswer> {
    const next = this.queue.then(() => this.readOne(r));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async registerOne(r: Registration): Promise<RegistrationAnswer> {
    if (this.failed) throw new Error('the deployment has already failed');
    const urn = this.urnOf(r.type, r.name, r.parent);
    if (this.seen.has(urn)) this.fail(`Duplicate resource URN '${urn}'; try giving it a unique name`, urn);
    this.seen.add(urn);
    const old = this.state.resources.find((x) => x.urn === urn && !x.external && !x.pendingDelete);

    if (!r.custom) {
      // Component resources have no provider: the engine just records them.
      this.upsert({ urn, type: r.type, name: r.name, custom: false, inputs: {}, outputs: {}, parent: r.parent || undefined });
      this.step({ op: old ? 'same' : 'create', urn, type: r.type, name: r.name });
      return { urn, outputs: {} };
    }
    if (r.provider && !r.provider.includes(`::pulumi:providers:${DYNAMIC_PACKAGE}::`)) {
      this.fail(`${urn}: only dynamic (pulumi-nodejs) resources are supported by the harness, got provider ${r.provider}`, urn);
    }

    // ignoreChanges: the engine keeps the old input values for those keys before Check.
    const goal: PropertyMap = { ...r.inputs };
    if (old) for (const k of r.ignoreChanges) if (k in old.inputs) goal[k] = old.inputs[k];

    const checked = await this.check(urn, old ? old.inputs : {}, goal);
    const base = {
      urn,
      type: r.type,
      name: r.name,
      custom: true,
      parent: r.parent || undefined,
      deleteBeforeReplace: r.deleteBeforeReplace,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      additionalSecretOutputs: r.additionalSecretOutputs.length ? r.additionalSecretOutputs : undefined,
    };

    if (!old) {
      if (this.dryRun) {
        this.step({ op: 'create', urn, type: r.type, name: r.name });
        return { urn, outputs: checked };
      }
      const created = await this.create(base, checked);
      this.step({ op: 'create', urn, type: r.type, name: r.name, id: created.id, outputs: created.outputs });
      return { urn, id: created.id, outputs: created.outputs };
    }

    const diff = await this.rpc('Diff', urn, () =>
      this.host.diff(urn, old.id ?? '', stripSecrets(old.outputs), stripSecrets(checked), stripSecrets(old.inputs), r.ignoreChanges),
    ).catch((e: Error) => this.fail(`${urn}: diffing failed: ${e.message}`, urn));
    // A provider without a diff answers DIFF_UNKNOWN; the engine then compares old and new inputs itself.
    const changes = diff.changes === 'unknown' ? (changedKeys(old.inputs, checked).length ? 'some' : 'none') : diff.changes;
    const hasInitErrors = (old.initErrors?.length ?? 0) > 0;

    if (changes === 'some' && diff.replaces.length > 0) {
      return this.replace(base, old, goal, diff.replaces, r.deleteBeforeReplace ?? diff.deleteBeforeReplace);
    }
    // A resource with init errors gets an update even when the diff finds nothing (step_generator.go:
    // "If resource was unchanged, but there were initialization errors, generate an empty update step").
    if (changes === 'some' || hasInitErrors) {
      if (this.dryRun) {
        this.step({ op: 'update', urn, type: r.type, name: r.name, id: old.id });
        return { urn, id: old.id, outputs: { ...old.outputs, ...checked } };
      }
      const outputs = await this.update(base, old, checked);
      this.step({ op: 'update', urn, type: r.type, name: r.name, id: old.id, outputs });
      return { urn, id: old.id, outputs };
    }
    // Same: the old outputs stand; the new inputs are recorded.
    if (!this.dryRun) {
      this.upsert({ ...base, id: old.id, inputs: checked, outputs: old.outputs });
      this.persist();
    }
    this.step({ op: 'same', urn, type: r.type, name: r.name, id: old.id, outputs: old.outputs });
    return { urn, id: old.id, outputs: old.outputs };
  }

  private async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<PropertyMap> {
    const res = await this.rpc('Check', urn, () => this.host.check(urn, stripSecrets(olds), stripSecrets(news))).catch((e: Error) =>
      this.fail(`${urn}: checking inputs failed: ${e.message}`, urn),
    );
    if (res.failures.length) {
      for (const f of res.failures) this.diag('error', 'engine', `${urn}: ${f.property ? `${f.property}: ` : ''}${f.reason}`, urn);
      this.fail(`${urn} has check errors: ${res.failures.map((f) => `${f.property}: ${f.reason}`).join('; ')}`, urn);
    }
    // The host does not accept secrets: what was secret going in is secret coming out.
    return annotateSecrets(res.inputs, news);
  }

  private outputsOf(props: PropertyMap, inputs: PropertyMap, additionalSecretOutputs?: string[]): PropertyMap {
    return markSecretOutputs(annotateSecrets(props, inputs), additionalSecretOutputs ?? []);
  }

  /** Creates through the provider; `replacing` (the replaced resource's id and the keys) marks a failure as the replacement's. */
  private async create(base: Omit<ResourceState, 'inputs' | 'outputs'>, checked: PropertyMap, replacing?: { oldId?: string; keys: string[] }): Promise<ResourceState> {
    const urn = base.urn;
    // As the engine reports it: a failed create of a replacement is the replacement's step (create-replacement), not a create.
    const failedStep = replacing ? { op: 'replace' as const, oldId: replacing.oldId, keys: replacing.keys } : { op: 'create' as const };
    try {
      const res = await this.rpc('Create', urn, () => this.host.create(urn, stripSecrets(checked)));
      const created: ResourceState = { ...base, id: res.id, inputs: checked, outputs: this.outputsOf(res.properties, checked, base.additionalSecretOutputs) };
      this.upsert(created);
      this.persist();
      return created;
    } catch (e) {
      if (e instanceof InitFailedError) {
        // The provider made the resource but could not finish: the engine records it with its
        // init errors (InitErrors = the error's reasons), so the next `up` updates it.
        const outputs = this.outputsOf(e.properties, checked, base.additionalSecretOutputs);
        this.upsert({ ...base, id: e.id, inputs: checked, outputs, initErrors: e.reasons });
        this.persist();
        this.step({ ...failedStep, urn, type: base.type, name: base.name, id: e.id, failed: true, outputs });
        this.fail(`${urn}: resource was created (id ${e.id}) but failed to initialize: ${e.message}`, urn);
      }
      this.step({ ...failedStep, urn, type: base.type, name: base.name, failed: true });
      return this.fail(`${urn}: creating failed: ${(e as Error).message}`, urn);
    }
  }

  private async update(base: Omit<ResourceState, 'inputs' | 'outputs'>, old: ResourceState, checked: PropertyMap): Promise<PropertyMap> {
    const urn = base.urn;
    try {
      const props = await this.rpc('Update', urn, () =>
        this.host.update(urn, old.id ?? '', stripSecrets(old.outputs), stripSecrets(checked), stripSecrets(old.inputs), []),
      );
      const outputs = this.outputsOf(props, checked, base.additionalSecretOutputs);
      this.upsert({ ...base, id: old.id, inputs: checked, outputs });
      this.persist();
      return outputs;
    } catch (e) {
      if (e instanceof InitFailedError) {
        this.upsert({ ...base, id: old.id, inputs: checked, outputs: this.outputsOf(e.properties, checked, base.additionalSecretOutputs), initErrors: e.reasons });
        this.persist();
      }
      this.step({ op: 'update', urn, type: base.type, name: base.name, id: old.id, failed: true });
      return this.fail(`${urn}: updating failed: ${(e as Error).message}`, urn);
    }
  }

  private async replace(
    base: Omit<ResourceState, 'inputs' | 'outputs'>,
    old: ResourceState,
    goal: PropertyMap,
    replaces: string[],
    deleteBeforeReplace: boolean,
  ): Promise<RegistrationAnswer> {
    const urn = base.urn;
    if (old.protect || base.protect) {
      this.fail(`${urn}: unable to replace resource "${urn}" as it is currently marked for protection. To unprotect the resource, remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\``, urn);
    }
    // The engine checks the goal again without the old inputs: the replacement is a fresh resource.
    const checked = await this.check(urn, {}, goal);
    if (this.dryRun) {
      this.step({ op: 'replace', urn, type: base.type, name: base.name, oldId: old.id, keys: replaces });
      return { urn, outputs: checked };
    }
    if (deleteBeforeReplace) {
      await this.deleteOne(old);
      const created = await this.create(base, checked, { oldId: old.id, keys: replaces });
      this.step({ op: 'replace', urn, type: base.type, name: base.name, id: created.id, oldId: old.id, keys: replaces, outputs: created.outputs });
      return { urn, id: created.id, outputs: created.outputs };
    }
    // Create before delete: the old resource stays in the state, pending deletion, until the program is
    // done; if the replacement was not made at all, the old one stays as it was.
    old.pendingDelete = true;
    this.replacedThisRun.add(old);
    const created = await this.create(base, checked, { oldId: old.id, keys: replaces }).catch((e: unknown) => {
      if (!this.state.resources.some((x) => x.urn === urn && x !== old && !x.pendingDelete)) {
        delete old.pendingDelete;
        this.replacedThisRun.delete(old);
      }
      throw e;
    });
    this.step({ op: 'replace', urn, type: base.type, name: base.name, id: created.id, oldId: old.id, keys: replaces, outputs: created.outputs });
    return { urn, id: created.id, outputs: created.outputs };
  }

  private async readOne(r: ReadRegistration): Promise<RegistrationAnswer> {
    if (this.failed) throw new Error('the deployment has already failed');
    const urn = this.urnOf(r.type, r.name, r.parent);
    this.seen.add(urn);
    const res = await this.rpc('Read', urn, () => this.host.read(urn, r.id, stripSecrets(r.inputs), {})).catch((e: Error) =>
      this.fail(`${urn}: reading ${r.id} failed: ${e.message}`, urn),
    );
    if (!res.id) this.fail(`${urn}: resource '${r.id}' does not exist`, urn);
    const outputs = this.outputsOf(res.properties, r.inputs, r.additionalSecretOutputs);
    if (!this.dryRun) {
      this.upsert({ urn, type: r.type, name: r.name, custom: true, id: res.id, inputs: r.inputs, outputs, external: true });
      this.persist();
    }
    this.step({ op: 'read', urn, type: r.type, name: r.name, id: res.id, outputs });
    return { urn, id: res.id, outputs };
  }

  /** Read every resource; persist the results unless this is a preview. */
  async refreshAll(persist: boolean): Promise<void> {
    for (const res of [...this.state.resources]) {
      if (!res.custom || !res.id) continue;
      const urn = res.urn;
      const read = await this.rpc('Read', urn, () => this.host.read(urn, res.id!, stripSecrets(res.outputs), stripSecrets(res.inputs))).catch(
        (e: Error) => this.fail(`${urn}: refreshing failed: ${e.message}`, urn),
      );
      if (!read.id) {
        // Gone: refresh drops it from the state.
        this.state.resources = this.state.resources.filter((x) => x !== res);
        this.result.steps.push({ op: 'delete', urn, type: res.type, name: res.name, id: res.id, refresh: true, planned: !persist || undefined });
        continue;
      }
      const outputs = this.outputsOf(read.properties, res.outputs, res.additionalSecretOutputs);
      const inputs = read.inputs ? annotateSecrets(read.inputs, res.inputs) : res.inputs;
      const changed = await this.refreshChanged(res, read.id, inputs, outputs);
      const keys = changedKeys(res.outputs, outputs);
      Object.assign(res, { id: read.id, outputs, inputs });
      this.result.steps.push({
        op: changed ? 'update' : 'same',
        urn,
        type: res.type,
        name: res.name,
        id: read.id,
        refresh: true,
        ...(keys.length ? { keys } : {}),
        outputs,
        planned: !persist || undefined,
      });
    }
    if (persist) this.save();
  }

  /**
   * Whether a refresh changed a resource. As the engine does (step.go, RefreshStep.Apply): external
   * resources compare outputs; others get the diff an `up` of an unchanged program would see, i.e.
   * Diff(olds = refreshed outputs, news = the old inputs); DIFF_UNKNOWN falls back to comparing inputs.
   */
  private async refreshChanged(res: ResourceState, id: string, inputs: PropertyMap, outputs: PropertyMap): Promise<boolean> {
    if (res.external) return changedKeys(res.outputs, outputs).length > 0;
    const urn = res.urn;
    const diff = await this.rpc('Diff', urn, () =>
      this.host.diff(urn, id, stripSecrets(outputs), stripSecrets(res.inputs), stripSecrets(inputs), []),
    ).catch((e: Error) => this.fail(`${urn}: diffing the refreshed state failed: ${e.message}`, urn));
    if (diff.changes === 'unknown') return changedKeys(inputs, res.inputs).length > 0;
    return diff.changes === 'some';
  }

  /** After the program: delete replaced resources (also those left by a failed run), then those the program no longer declares. */
  async deleteUnregistered(): Promise<void> {
    for (const res of this.state.resources.filter((r) => r.pendingDelete)) {
      // A preview shows the delete it plans (the CLI's delete-replaced); pending deletes are all left by earlier runs then.
      if (this.dryRun) {
        this.step({ op: 'delete', urn: res.urn, type: res.type, name: res.name, id: res.id });
        continue;
      }
      await this.deleteOne(res, true);
      // This run's replacements already have their `replace` step; a leftover from a failed run gets its own.
      if (!this.replacedThisRun.has(res)) this.step({ op: 'delete', urn: res.urn, type: res.type, name: res.name, id: res.id });
    }
    const leftovers = this.state.resources.filter((r) => !r.pendingDelete && !this.seen.has(r.urn));
    for (const res of leftovers.reverse()) {
      await this.deleteOne(res);
      this.step({ op: 'delete', urn: res.urn, type: res.type, name: res.name, id: res.id });
    }
  }

  async destroyAll(): Promise<void> {
    for (const res of [...this.state.resources].reverse()) {
      await this.deleteOne(res);
      this.step({ op: 'delete', urn: res.urn, type: res.type, name: res.name, id: res.id });
    }
  }

  /** Deletes one resource through the provider (external reads are only forgotten) and drops it from the state. */
  private async deleteOne(res: ResourceState, replaced = false): Promise<void> {
    if (res.protect) {
      this.fail(`${res.urn}: resource "${res.urn}" cannot be deleted because it is protected. To unprotect the resource, remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\``, res.urn);
    }
    // retainOnDelete: the engine drops the resource from the state without asking the provider.
    if (res.custom && res.id && !res.external && !res.retainOnDelete && !this.dryRun) {
      await this.rpc('Delete', res.urn, () => this.host.delete(res.urn, res.id!, stripSecrets(res.outputs), stripSecrets(res.inputs))).catch(
        (e: Error) => this.fail(`${res.urn}: deleting ${replaced ? 'the replaced resource ' : ''}${res.id} failed: ${e.message}`, res.urn),
      );
    }
    if (this.dryRun) return;
    this.state.resources = this.state.resources.filter((x) => x !== res);
    this.persist();
  }

  private upsert(res: ResourceState): void {
    const i = this.state.resources.findIndex((x) => x.urn === res.urn && !x.pendingDelete && !x.external);
    const clean = Object.fromEntries(Object.entries(res).filter(([, v]) => v !== undefined)) as unknown as ResourceState;
    if (i >= 0) this.state.resources[i] = clean;
    else this.state.resources.push(clean);
  }
}
