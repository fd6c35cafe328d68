import { servicesProject } from '../../vitest.services.ts';

export default servicesProject({
  name: 'worker',
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 30_000,
});
