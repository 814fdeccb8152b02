/**
 * The webhook secrets of Kubernetes mode: the Secret `argocd-image-updater-secret` (keys
 * `webhook.<type>-secret`), read through the API Secrets adapter and read again every few seconds, so a
 * rotated secret takes effect without a restart. A missing Secret or key means that type has no secret; a
 * read that fails keeps the last known secrets, so an API blip refuses nothing that was accepted before.
 */
import type { SecretResolver } from "@image-updater/core";
import type { WebhookSecrets } from "@image-updater/webhooks";
import { webhookSecretsFromSecretData } from "../webhook/webhook-options.js";

/** argocd-image-updater's name for the Secret holding the webhook secrets. */
export const WEBHOOK_SECRET_NAME = "argocd-image-updater-secret";

/** Default time between reads: short enough that a rotation applies in seconds, one GET per 5 s. */
export const WEBHOOK_SECRET_REREAD_MS = 5_000;

/** The secrets as last read, kept fresh until {@link WebhookSecretFeed.stop}. */
export interface WebhookSecretFeed {
  /** The secrets of the last successful read; `{}` while the Secret is missing. */
  current(): WebhookSecrets;
  stop(): void;
}

/** Options of {@link followWebhookSecret}. */
export interface WebhookSecretFeedOptions {
  /** Reads the Secret; a reader that caches must not cache longer than `intervalMs`. */
  readonly secrets: SecretResolver;
  readonly namespace: string;
  /** Time between reads. @default {@link WEBHOOK_SECRET_REREAD_MS} */
  readonly intervalMs?: number;
  /** Told which types gained, lost or changed a secret since the first read: type names only, never a value. */
  readonly onChange?: (types: readonly string[]) => void;
  /** A read failed (the message names the Secret, never its content); told once per run of failures. */
  readonly onWarning?: (message: string) => void;
}

/** Reads the Secret once, then keeps reading it in the background. */
export async function followWebhookSecret(options: WebhookSecretFeedOptions): Promise<WebhookSecretFeed> {
  const intervalMs = options.intervalMs ?? WEBHOOK_SECRET_REREAD_MS;
  const controller = new AbortController();
  let secrets: WebhookSecrets = {};
  let failing = false;
  let first = true;

  const read = async () => {
    try {
      const data = await options.secrets.getSecret(options.namespace, WEBHOOK_SECRET_NAME, {
        signal: controller.signal,
      });
      const next = webhookSecretsFromSecretData(data ?? {});
      const changed = changedTypes(secrets, next);
      secrets = next;
      failing = false;
      if (changed.length > 0 && !first) options.onChange?.(changed);
      first = false;
    } catch (error) {
      if (controller.signal.aborted || failing) return;
      failing = true;
      options.onWarning?.(
        `could not read the Secret ${options.namespace}/${WEBHOOK_SECRET_NAME} for webhook secrets; keeping the last ones read: ${(error as Error).message}`,
      );
    }
  };

  await read();
  // A chain of timeouts, not an interval, so a slow API never has two reads in flight.
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => void read().then(() => controller.signal.aborted || schedule()), intervalMs);
    timer.unref();
  };
  schedule();
  return {
    current: () => secrets,
    stop() {
      controller.abort();
      clearTimeout(timer);
    },
  };
}

function changedTypes(before: WebhookSecrets, after: WebhookSecrets): string[] {
  const types = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof WebhookSecrets>;
  return [...types].filter((type) => before[type] !== after[type]).sort();
}
