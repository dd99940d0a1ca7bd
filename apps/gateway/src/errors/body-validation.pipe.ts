import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { isDtoClass, RequestErrorCode, RequestException, validatePlain } from '@cobrowse/contracts';

/**
 * Validates every body declared as a DTO class (class-validator rules), building the DTO from
 * the declared properties only, so free-form values such as metadata are never walked by a
 * transformer. Failures are 400 VALIDATION_FAILED naming each field.
 */
@Injectable()
export class BodyValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || !isDtoClass(metadata.metatype)) return value;
    const result = validatePlain(metadata.metatype, value);
    if (result.value) return result.value;
    const [first] = result.issues;
    throw new RequestException(
      RequestErrorCode.ValidationFailed,
      `${first.field}: ${first.message}`,
      result.issues,
    );
  }
}
