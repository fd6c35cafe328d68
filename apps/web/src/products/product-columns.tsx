import { createEffect, type Accessor, type JSX } from 'solid-js';
import { toast } from 'solid-sonner';
import {
  ZProductDescription,
  ZProductName,
  ZSku,
  type TProductSort,
  type TProductUpdateInput,
} from '@acme/shared';
import type { Product } from '../api/routers.ts';
import { Toggle } from '../components/toggle.tsx';
import { EditableCell, type CellEdit } from './editable-cell.tsx';

/** One column of the products grid: its header, its cell, and what it sorts by. */
export interface ProductColumn {
  id: string;
  /** The header's text (also its accessible name). */
  header: string;
  /** Only for screen readers (a column of buttons or checkboxes). */
  hideHeader?: boolean;
  sortField?: TProductSort['field'];
  /** Left out on a phone's width (it stays filterable). */
  hideNarrow?: boolean;
  class?: string;
  /** The header cell's content, when it is more than the text (a checkbox). */
  headerCell?: () => JSX.Element;
  cell: (product: Accessor<Product>) => JSX.Element;
}

export interface ProductColumnDeps {
  /** Open editors by `${id}:${field}` (kept here, not in the cell: cells re-render). */
  edit: (key: string) => CellEdit | null;
  setEdit: (key: string, edit: CellEdit | null) => void;
  /** Saves a change; rejects with the message to show. */
  save: (patch: TProductUpdateInput) => Promise<void>;
  onDelete: (product: Product) => void;
  isSelected: (id: number) => boolean;
  /** Picks or drops a product; false when it could not be picked (the limit). */
  setSelected: (id: number, selected: boolean) => boolean;
  /** How much of the page is selected, for the header's checkbox. */
  pageSelection: () => 'none' | 'some' | 'all';
  selectPage: (selected: boolean) => boolean;
}

const messageOf =
  (schema: { safeParse: (v: string) => { error?: { issues: { message: string }[] } } }) =>
  (value: string) =>
    schema.safeParse(value).error?.issues[0]?.message ?? null;

const VALIDATE = {
  sku: messageOf(ZSku),
  name: messageOf(ZProductName),
  description: messageOf(ZProductDescription),
};

export function productColumns(deps: ProductColumnDeps): ProductColumn[] {
  const text = (
    field: 'sku' | 'name' | 'description',
    header: string,
    extra: Partial<ProductColumn> = {},
  ): ProductColumn => ({
    id: field,
    header,
    ...extra,
    cell: (product) => (
      <EditableCell
        label={`${header} of ${product().sku}`}
        value={product()[field]}
        multiline={field === 'description'}
        validate={VALIDATE[field]}
        onSave={(value) => deps.save({ id: product().id, [field]: value })}
        edit={deps.edit(`${product().id}:${field}`)}
        onEdit={(edit) => deps.setEdit(`${product().id}:${field}`, edit)}
      />
    ),
  });

  return [
    {
      id: 'select',
      header: 'Select',
      class: 'select',
      headerCell: () => (
        <input
          type="checkbox"
          aria-label="Select all on this page"
          checked={deps.pageSelection() === 'all'}
          ref={(el) => createEffect(() => (el.indeterminate = deps.pageSelection() === 'some'))}
          onChange={(e) => {
            if (!deps.selectPage(e.currentTarget.checked)) e.currentTarget.checked = false;
          }}
        />
      ),
      cell: (product) => (
        <input
          type="checkbox"
          aria-label={`Select ${product().sku}`}
          checked={deps.isSelected(product().id)}
          onChange={(e) => {
            if (!deps.setSelected(product().id, e.currentTarget.checked)) {
              e.currentTarget.checked = false;
            }
          }}
        />
      ),
    },
    text('sku', 'SKU', { sortField: 'sku' }),
    text('name', 'Name', { sortField: 'name' }),
    text('description', 'Description', { hideNarrow: true }),
    {
      id: 'active',
      header: 'Active',
      sortField: 'active',
      cell: (product) => (
        <Toggle
          label={`Active: ${product().sku}`}
          hideLabel
          checked={product().active}
          onChange={(checked) =>
            void deps
              .save({ id: product().id, active: checked })
              .catch((error: Error) =>
                toast.error(`Could not change ${product().sku}: ${error.message}`),
              )
          }
        />
      ),
    },
    {
      id: 'updatedAt',
      header: 'Updated',
      sortField: 'updatedAt',
      hideNarrow: true,
      cell: (product) => (
        <time class="muted nowrap" dateTime={product().updatedAt.toISOString()}>
          {product().updatedAt.toLocaleString()}
        </time>
      ),
    },
    {
      id: 'actions',
      header: 'Actions',
      hideHeader: true,
      class: 'actions',
      cell: (product) => (
        <button
          type="button"
          class="small ghost"
          aria-label={`Delete ${product().sku}`}
          onClick={() => deps.onDelete(product())}
        >
          Delete
        </button>
      ),
    },
  ];
}
