const FOCUSABLE =
  'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Keys that move the caret or the choice inside these controls stay with them. */
function ownsArrows(element: Element): boolean {
  if (element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) return true;
  if (element instanceof HTMLInputElement)
    return !['checkbox', 'radio', 'button'].includes(element.type);
  return element.closest('[contenteditable="true"]') !== null;
}

/** The first control a person can reach in a cell; none in a cell hidden on this screen width. */
function controlIn(cell: Element | undefined): HTMLElement | null {
  if (!(cell instanceof HTMLTableCellElement) || getComputedStyle(cell).display === 'none')
    return null;
  return cell.querySelector<HTMLElement>(FOCUSABLE);
}

const STEPS: Record<string, [rows: number, cells: number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/**
 * A table's keydown handler: the arrow keys move the focus to the control in the neighbouring
 * cell (skipping cells without one), as in a spreadsheet. Tab keeps its usual order.
 */
export function moveCellFocus(event: KeyboardEvent): void {
  const step = STEPS[event.key];
  const target = event.target;
  if (!step || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (!(target instanceof HTMLElement) || ownsArrows(target)) return;
  const cell = target.closest('td, th');
  const row = cell?.parentElement;
  const table = row?.closest('table');
  if (!(cell instanceof HTMLTableCellElement) || !(row instanceof HTMLTableRowElement) || !table)
    return;
  const rows = [...table.rows];
  const [dRow, dCell] = step;
  let r = rows.indexOf(row);
  let c = cell.cellIndex;
  for (;;) {
    r += dRow;
    c += dCell;
    const next = rows[r];
    if (!next || c < 0 || c >= next.cells.length) return;
    const control = controlIn(next.cells[c]);
    if (control) {
      event.preventDefault();
      control.focus();
      return;
    }
  }
}
