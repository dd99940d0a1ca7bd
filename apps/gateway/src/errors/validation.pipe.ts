import { ValidationPipe } from '@nestjs/common';
import { ErrorCode, toFieldIssues } from '@cobrowse/contracts';
import { ApiException } from './api.exception';

/** class-validator on every body and query DTO; failures are 400 VALIDATION_FAILED with field details. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => {
      const details = toFieldIssues(errors);
      const message = details.length ? `${details[0].field}: ${details[0].message}` : 'invalid request';
      return new ApiException(400, ErrorCode.ValidationFailed, message, details);
    },
  });
}
