import { checkTargetUrl } from './target-address';

describe('checkTargetUrl', () => {
  const strict = { allowPrivate: false };

  it('refuses plain http, credentials and literal private addresses unless private targets are allowed', async () => {
    await expect(checkTargetUrl('http://93.184.215.14/', strict)).rejects.toMatchObject({
      code: 'WEBHOOK_URL_NOT_ALLOWED',
    });
    await expect(checkTargetUrl('https://[::1]:8443/', strict)).rejects.toMatchObject({
      code: 'WEBHOOK_URL_NOT_ALLOWED',
    });
    await expect(checkTargetUrl('https://u:p@93.184.215.14/', strict)).rejects.toMatchObject({
      code: 'WEBHOOK_URL_NOT_ALLOWED',
    });
    await expect(checkTargetUrl('https://93.184.215.14/hook', strict)).resolves.toBeUndefined();
    await expect(checkTargetUrl('http://127.0.0.1:8080/', { allowPrivate: true })).resolves.toBeUndefined();
  });
});
