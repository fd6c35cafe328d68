import { Switch } from '@kobalte/core/switch';

/** An on/off switch with a label (visible or for screen readers only). */
export function Toggle(props: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  hideLabel?: boolean;
  disabled?: boolean;
}) {
  return (
    <Switch
      class="switch"
      checked={props.checked}
      onChange={(checked) => props.onChange(checked)}
      disabled={props.disabled}
    >
      <Switch.Input class="switch-input" />
      <Switch.Control class="switch-control">
        <Switch.Thumb class="switch-thumb" />
      </Switch.Control>
      <Switch.Label classList={{ 'visually-hidden': props.hideLabel }}>{props.label}</Switch.Label>
    </Switch>
  );
}
