import { TEST_EVENT_TYPE } from '@acme/shared';
import type { Delivery } from '../api/routers.ts';

/** An answer's status code (green for 2xx), or why there was none. */
export function ResultBadge(props: { statusCode: number | null; error: string | null }) {
  const ok = () => props.statusCode !== null && props.statusCode >= 200 && props.statusCode < 300;
  return (
    <span class={`badge ${ok() ? 'ok' : 'danger'}`}>
      {props.statusCode ?? (props.error ? 'no answer' : '—')}
    </span>
  );
}

type Phase = { label: string; tone: 'ok' | 'danger' | 'warn' | 'info' };

/**
 * Where a delivery stands, in words: a pending one that failed before is "Retrying" (its next
 * try is scheduled), one not tried yet is "Queued".
 */
export function deliveryPhase(delivery: Delivery): Phase {
  if (delivery.status === 'succeeded') return { label: 'Succeeded', tone: 'ok' };
  if (delivery.status === 'failed') return { label: 'Failed', tone: 'danger' };
  if (delivery.attempts > 0 && delivery.lastAttempt?.error)
    return { label: 'Retrying', tone: 'warn' };
  return { label: 'Queued', tone: 'info' };
}

export function DeliveryStatusBadge(props: { delivery: Delivery }) {
  const phase = () => deliveryPhase(props.delivery);
  return <span class={`badge ${phase().tone}`}>{phase().label}</span>;
}

/**
 * What sending it by hand means for this delivery, if it can be: "Retry now" for a failed one
 * or one waiting for its next retry, "Resend" for one that succeeded. Tests are never resent
 * (Test sends a new one), and a delivery on its way is left alone.
 */
export function manualSendLabel(delivery: Delivery, now = Date.now()): string | null {
  if (delivery.eventType === TEST_EVENT_TYPE) return null;
  if (delivery.status === 'failed') return 'Retry now';
  if (delivery.status === 'succeeded') return 'Resend';
  const waiting = delivery.nextAttemptAt !== null && delivery.nextAttemptAt.getTime() > now;
  return delivery.attempts > 0 && waiting ? 'Retry now' : null;
}

const TIME = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Today's times as a time only ("11:10:11 AM"), older ones with their day ("Nov 29, 2026, 4:02 PM"). */
export function shortDateTime(date: Date, now = new Date()): string {
  return date.toDateString() === now.toDateString() ? TIME.format(date) : DATE_TIME.format(date);
}
