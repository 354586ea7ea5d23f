// AWS's time. The SDK keeps AWS's clock itself, as an offset learnt from every reply's Date header (it signs with it,
// and corrects a skewed machine clock with it): the cloud's time is the machine's plus that offset.

/** The part of a KMSClient this reads (its resolved config). */
export interface ClockedClient {
  readonly config: { readonly systemClockOffset?: number };
}

/** AWS's time now, as the client's replies told it (the machine's time before any reply). */
export function awsCloudTime(client: ClockedClient): Date {
  return new Date(Date.now() + (client.config.systemClockOffset ?? 0));
}
