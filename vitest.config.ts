import { defineConfig } from 'vitest/config';

// Each package and app is its own project with its own environment (node, or jsdom + Solid).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'e2e'],
  },
});
