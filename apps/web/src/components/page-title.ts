export const APP_NAME = 'Acme Product Importer';

/** Names the browser tab (and history entries) after the page shown: "Products · Acme Product Importer". */
export function usePageTitle(page: string): void {
  document.title = `${page} · ${APP_NAME}`;
}
