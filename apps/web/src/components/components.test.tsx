import { screen } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { renderWithApi } from '../test-utils.tsx';
import { ConnectionIndicator } from './connection-indicator.tsx';
import { pageWindow } from './pagination.tsx';

describe('pageWindow', () => {
  it('keeps the first and last page and the neighbours of the current one', () => {
    expect(pageWindow(1, 1)).toEqual([1]);
    expect(pageWindow(1, 3)).toEqual([1, 2, 3]);
    expect(pageWindow(5, 10)).toEqual([1, 'gap', 4, 5, 6, 'gap', 10]);
    expect(pageWindow(10, 10)).toEqual([1, 'gap', 9, 10]);
  });
});

describe('ConnectionIndicator', () => {
  it('says "Live" while the WebSocket is open and "Reconnecting…" when it drops', () => {
    const { setConnection } = renderWithApi(() => <ConnectionIndicator />, {});
    expect(screen.getByRole('status').textContent).toContain('Live');
    setConnection('connecting');
    expect(screen.getByRole('status').textContent).toContain('Reconnecting…');
    setConnection('open');
    expect(screen.getByRole('status').textContent).toContain('Live');
  });
});
