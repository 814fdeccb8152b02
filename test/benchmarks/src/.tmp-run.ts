import { runWebhookScenario } from "./webhook.js";

const r = await runWebhookScenario({ pushes: 3 });
console.log(r.daemonMs, r.pushToCommitMs);
