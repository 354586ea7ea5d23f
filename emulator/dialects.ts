// Dialects: where a cloud's API is not documented, its protocol module answers as assumed, and tests of tolerant
// readers need it to answer otherwise too. A protocol names such places ("points") and the ways it can answer each
// ("variants", the first the assumed default); one Dialects per emulator remembers the variant chosen for each point,
// through the /_emulator/dialect control (controls.ts), until DELETE or POST /_emulator/reset. Not saved in the state
// file: a restarted emulator answers as assumed again.

/** Point → its variants, the first the default (what the protocol assumes the cloud answers). */
export type DialectPoints = Readonly<Record<string, readonly [string, ...string[]]>>;

/** A cloud that has dialect points: its name, every name it answers to (for the control's `cloud`), its points. */
export interface DialectCloud {
  readonly cloud: string;
  readonly names: readonly string[];
  readonly points: DialectPoints;
}

export class Dialects {
  private readonly chosen = new Map<string, Map<string, string>>();

  constructor(private readonly clouds: readonly DialectCloud[]) {}

  /** The variant in force for one point of one cloud: the chosen one, else the default. */
  variant(cloud: string, point: string): string {
    const variants = this.cloudOf(cloud)?.points[point];
    if (!variants) throw new Error(`no dialect point '${point}' for cloud '${cloud}'`);
    return this.chosen.get(cloud)?.get(point) ?? variants[0];
  }

  /** Every point of one cloud with the variant in force. */
  of(cloud: string): Record<string, string> {
    const entry = this.cloudOf(cloud);
    if (!entry) return {};
    return Object.fromEntries(Object.keys(entry.points).map((point) => [point, this.variant(entry.cloud, point)]));
  }

  /** Every cloud that has points, each with every point and the variant in force. */
  list(): Record<string, Record<string, string>> {
    return Object.fromEntries(this.clouds.map((c) => [c.cloud, this.of(c.cloud)]));
  }

  /**
   * Applies `{"cloud": <name>, <point>: <variant>, …}` (points not named keep their variant). Nothing changes when any
   * field is bad; the Error's message names the field and what is allowed (the control answers 400 with it).
   */
  set(value: unknown): Record<string, string> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the body must be a JSON object');
    const { cloud: name, ...points } = value as Record<string, unknown>;
    const entry = typeof name === 'string' ? this.clouds.find((c) => c.names.includes(name)) : undefined;
    if (!entry) {
      const allowed = this.clouds.map((c) => c.cloud).sort();
      throw new Error(`'cloud' must be one of ${allowed.length ? allowed.join(', ') : '(none: no cloud has dialect points)'}`);
    }
    const allowedPoints = Object.keys(entry.points);
    if (Object.keys(points).length === 0) throw new Error(`name at least one point of ${entry.cloud}: ${allowedPoints.join(', ')}`);
    for (const [point, variant] of Object.entries(points)) {
      const variants = entry.points[point];
      if (!variants) throw new Error(`unknown field '${point}' for ${entry.cloud}; allowed: cloud, ${allowedPoints.join(', ')}`);
      if (typeof variant !== 'string' || !variants.includes(variant)) throw new Error(`'${point}' must be one of ${variants.join(', ')}`);
    }
    const current = this.chosen.get(entry.cloud) ?? new Map<string, string>();
    for (const [point, variant] of Object.entries(points)) current.set(point, variant as string);
    this.chosen.set(entry.cloud, current);
    return this.of(entry.cloud);
  }

  /** Every cloud back to its assumed answers. */
  clear(): void {
    this.chosen.clear();
  }

  private cloudOf(cloud: string): DialectCloud | undefined {
    return this.clouds.find((c) => c.cloud === cloud);
  }
}
