import type { Response } from 'express';

/** Writes and waits for the socket to drain, so a slow client slows a stream instead of filling memory. */
export function writeDrained(response: Response, text: string): Promise<void> {
  if (response.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
