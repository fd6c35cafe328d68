import { servicesProject } from '../../vitest.services.ts';

export default servicesProject({ name: 'api', include: ['src/**/*.test.ts'] });
