import { servicesProject } from '../../vitest.services.ts';

export default servicesProject({
  name: 'jobs',
  include: ['src/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 30_000,
});
