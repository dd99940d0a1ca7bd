import { Injectable, PipeTransform } from '@nestjs/common';
import { SessionErrorCode, SessionException } from '@cobrowse/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Session ids are UUIDs; anything else cannot name a session, so it is a 404. */
@Injectable()
export class SessionIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value))
      throw new SessionException(SessionErrorCode.SessionNotFound, `session ${value.slice(0, 64)} not found`);
    return value.toLowerCase();
  }
}
