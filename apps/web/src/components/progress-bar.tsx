/**
 * A progress bar from 0 to 100 (`percent`, said rounded, drawn at most full); `outcome` colours a
 * finished one as done or failed.
 */
export function ProgressBar(props: {
  label: string;
  percent: number;
  outcome?: 'done' | 'failed' | undefined;
}) {
  return (
    <div
      class="progress"
      classList={{ done: props.outcome === 'done', failed: props.outcome === 'failed' }}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(props.percent)}
    >
      <div style={{ width: `${Math.min(100, props.percent)}%` }} />
    </div>
  );
}
