import { AppError } from '@acme/shared';

export function notFound(what: string, id: number | string): AppError {
  return new AppError('NOT_FOUND', `${what} ${id} does not exist`);
}
