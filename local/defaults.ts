/**
 * The local runtime's defaults, set before any other module of `npm start` is evaluated:
 * the logger and the metrics read their settings when their modules load, so setting
 * these later (in `main`) would leave a newcomer's terminal printing a line per request.
 * Imported first, for its effect, by `local/main.ts`.
 */
process.env.TABLE_NAME ||= 'calendar';
process.env.AWS_REGION ||= 'us-east-1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true';
process.env.POWERTOOLS_LOG_LEVEL ||= 'WARN';
// Outside Lambda, no CloudWatch: metrics stay quiet.
process.env.POWERTOOLS_METRICS_DISABLED ||= 'true';
process.env.WEBHOOK_ALLOW_LOOPBACK ||= '1';

export {};
