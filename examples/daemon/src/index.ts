/**
 * @image-updater/example-daemon: the `image-updater` command as a library, so tests and embedders can run
 * its pieces in-process: the CLI, the option resolution, the logger and metrics fed by engine events, the
 * HTTP server, and the wiring of the SDK's adapters.
 */
export { type CliDependencies, runCli, TEMPLATE_FLAGS, TEST_FLAGS, WEBHOOK_FLAGS } from "./cli/cli.js";
export { type CliIo, EXIT } from "./cli/io.js";
export { type FlagSpec, type ParsedFlags, parseBoolean, parseFlags } from "./cli/parse-flags.js";
export { loadDaemonConfig, type RunDependencies, type RunResult, runDaemon } from "./commands/run.js";
export { renderSampleTemplate } from "./commands/template.js";
export { type TestImageDependencies, TestImageUsageError, testImage } from "./commands/test-image.js";
export type { TestImageRequest, TestImageResult } from "./commands/test-image-types.js";
export { readConfigDir } from "./config/config-dir.js";
export {
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  RUN_FLAGS,
  type RunCommandOptions,
  type RunOptionInputs,
  resolveRunOptions,
} from "./config/run-options.js";
export { createOciLayoutWriter, type LayoutImage, type OciLayoutWriter } from "./demo/oci-layout-writer.js";
export { type DemoOptions, type DemoOutcome, runDemo } from "./demo/run-demo.js";
export { type HttpServer, type RouteHandler, type RouteResponse, startHttpServer } from "./http/http-server.js";
export { HINTS, logUpdaterEvents } from "./logging/event-log.js";
export { createLogger, type LogFields, type Logger, type LoggerOptions, redactUrls } from "./logging/logger.js";
export { createDaemonMetrics, type DaemonMetrics, type DaemonMetricsOptions } from "./metrics/metrics.js";
export { daemonVersion } from "./version.js";
export {
  createWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookTrigger,
  type WebhookTriggerTarget,
} from "./webhook/dispatch.js";
export { type DaemonWebhook, startDaemonWebhook } from "./webhook/start.js";
export { runWebhookCommand } from "./webhook/webhook-command.js";
export { createWebhookMetrics, type WebhookMetrics } from "./webhook/webhook-metrics.js";
export {
  resolveWebhookOptions,
  WEBHOOK_SECRET_SETTINGS,
  type WebhookOptions,
  webhookSecretKey,
  webhookSecretsFromSecretData,
} from "./webhook/webhook-options.js";
export { createDaemonUpdater, type DaemonConfig, type DaemonUpdater } from "./wiring.js";
