export { createWebhookDeliveryTasks, type WebhookDeliveryTasks } from './delivery-tasks.ts';
export { AUTO_DISABLE_AFTER_MS } from './deliver-task.ts';
export { deliveryBody, type DeliveryBodySource } from './delivery-body.ts';
export { announceDeliveryChange } from './delivery-changes.ts';
export {
  DELIVER_WEBHOOK,
  deliveryJobKey,
  enqueueDeliveries,
  enqueueTestDelivery,
  requeueDelivery,
  type DeliverWebhookPayload,
  type RedeliveryOutcome,
} from './enqueue-deliveries.ts';
export { createRedisDeliveryPacer, type DeliveryPacer } from './delivery-pacer.ts';
export { MAX_SENDS_PER_DELIVERY, retryDelayMs } from './retry-schedule.ts';
export { sendSignedRequest, createWebhookAgent, type AttemptOutcome } from './send.ts';
export { enqueueRecovery, RECOVER_DELIVERIES, type RecoveryOutcome } from './recover.ts';
export {
  generateSecret,
  maskSecret,
  SECRET_ROTATION_OVERLAP_MS,
  signatureHeader,
  signPayload,
} from './signing.ts';
export { assertPublicUrl, isPublicAddress, UnsafeUrlError } from './url-guard.ts';
