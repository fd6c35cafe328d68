import { useMutation, useQueryClient } from '@tanstack/solid-query';
import { createSignal, Show } from 'solid-js';
import { toast } from 'solid-sonner';
import { ZProductCreateInput } from '@acme/shared';
import { useApi } from '../api/context.tsx';
import { errorCode, errorMessage, fieldErrors, trpcMutation } from '../api/query.ts';
import { Toggle } from '../components/toggle.tsx';
import { PRODUCTS_KEY } from './product-queries.ts';
import { FormActions } from '../components/form-actions.tsx';
import { Modal } from '../components/modal.tsx';

const text = (data: FormData, key: string): string => {
  const value = data.get(key);
  return typeof value === 'string' ? value : '';
};

type Errors = Partial<Record<'sku' | 'name' | 'description' | 'form', string>>;

export function CreateProductDialog() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [open, setOpen] = createSignal(false);
  const [active, setActive] = createSignal(true);
  const [errors, setErrors] = createSignal<Errors>({});
  const create = useMutation(() => trpcMutation(client.products.create));

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const input = {
      sku: text(data, 'sku'),
      name: text(data, 'name'),
      description: text(data, 'description'),
      active: active(),
    };
    const parsed = ZProductCreateInput.safeParse(input);
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]) as keyof Errors;
        next[field] ??= issue.message;
      }
      return setErrors(next);
    }
    setErrors({});
    create.mutate(input, {
      onSuccess: (product) => {
        toast.success(`Created ${product.sku}`);
        void queryClient.invalidateQueries({ queryKey: PRODUCTS_KEY });
        form.reset();
        setActive(true);
        setOpen(false);
      },
      onError: (error) => {
        const fields = fieldErrors(error);
        if (errorCode(error) === 'CONFLICT') setErrors({ sku: errorMessage(error) });
        else if (Object.keys(fields).length) setErrors(fields);
        else setErrors({ form: errorMessage(error) });
      },
    });
  };

  const field = (name: 'sku' | 'name' | 'description') => ({
    name,
    id: `new-${name}`,
    'aria-invalid': errors()[name] ? ('true' as const) : undefined,
    'aria-describedby': errors()[name] ? `new-${name}-error` : undefined,
  });
  const errorFor = (name: 'sku' | 'name' | 'description') => (
    <Show when={errors()[name]}>
      <span id={`new-${name}-error`} class="field-error">
        {errors()[name]}
      </span>
    </Show>
  );

  return (
    <Modal
      open={open()}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setErrors({});
      }}
      title="New product"
      triggerLabel="New product"
    >
      <form
        class="form-grid single"
        style={{ 'grid-template-columns': '1fr' }}
        onSubmit={submit}
        novalidate
      >
        <label class="field" for="new-sku">
          <span>SKU</span>
          <input {...field('sku')} autocomplete="off" />
          {errorFor('sku')}
        </label>
        <label class="field" for="new-name">
          <span>Name</span>
          <input {...field('name')} autocomplete="off" />
          {errorFor('name')}
        </label>
        <label class="field" for="new-description">
          <span>Description</span>
          <textarea {...field('description')} rows={3} />
          {errorFor('description')}
        </label>
        <Toggle label="Active" checked={active()} onChange={setActive} />
        <FormActions
          error={errors().form}
          busy={create.isPending}
          submitLabel="Create product"
          busyLabel="Creating…"
          onCancel={() => setOpen(false)}
        />
      </form>
    </Modal>
  );
}
