import { servicesProject } from '../../vitest.services.ts';

export default servicesProject({
  name: 'server',
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  testTimeout: 20_000,
  hookTimeout: 30_000,
});
