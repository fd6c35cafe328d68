import type { ActiveFilter } from './products-view.ts';
import type { DebouncedFilter, ProductsViewState } from './use-products-view.ts';

function TextFilter(props: { id: string; label: string; filter: DebouncedFilter }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="search"
        value={props.filter.text()}
        onInput={(e) => props.filter.update(e.currentTarget.value)}
      />
    </div>
  );
}

/** SKU, name and description contain…, and the status: each narrows the list as it is typed. */
export function ProductsFilters(props: { view: ProductsViewState }) {
  return (
    <section class="card" aria-label="Filters">
      <div class="form-grid">
        <TextFilter id="filter-sku" label="SKU" filter={props.view.sku} />
        <TextFilter id="filter-name" label="Name" filter={props.view.name} />
        <TextFilter id="filter-description" label="Description" filter={props.view.description} />
        <div class="field">
          <label for="filter-status">Status</label>
          <select
            id="filter-status"
            value={props.view.active()}
            onChange={(e) => props.view.setActive(e.currentTarget.value as ActiveFilter)}
          >
            <option value="all">All</option>
            <option value="active">Active</option>
            <option value="inactive">Inactive</option>
          </select>
        </div>
      </div>
    </section>
  );
}
