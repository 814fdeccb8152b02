/** A receiver double for the generic pull-request webhook: records each POST and answers as told. */
import { type DoubleResponse, type HttpDouble, startHttpDouble } from "./http-double.js";

/** A running webhook receiver double. */
export interface WebhookDouble extends HttpDouble {
  /** URL to hand the provider. */
  readonly url: string;
  /** The next answers; when empty, `201 { url, number: n, created: true }`. */
  readonly responses: DoubleResponse[];
}

/** Starts a {@link WebhookDouble} on 127.0.0.1 with an ephemeral port. */
export async function startWebhookDouble(): Promise<WebhookDouble> {
  const responses: DoubleResponse[] = [];
  let count = 0;
  const http = await startHttpDouble(() => {
    count++;
    return (
      responses.shift() ?? {
        status: 201,
        body: { url: `https://prs.example.com/${count}`, number: count, created: true },
      }
    );
  });
  return { ...http, url: `${http.origin}/hooks/pull-request`, responses };
}
