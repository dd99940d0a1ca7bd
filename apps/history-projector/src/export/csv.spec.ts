import type { SessionSnapshot } from '@cobrowse/contracts';
import { rowOf } from '../session-list/list-row';
import { csvCell, csvDate, csvHeader, csvRow } from './csv';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=1,2', `"'=1,2"`],
    ['-5', '-5'],
    ['-1.5e3', '-1.5e3'],
    [-5, '-5'],
    [true, 'true'],
    [null, ''],
    [undefined, ''],
    ['héllo ✓', 'héllo ✓'],
  ])('%j → %j', (value, cell) => expect(csvCell(value)).toBe(cell));
});

describe('csvDate', () => {
  it('formats YYYY-MM-DD HH-MM-SS in UTC', () => {
    expect(csvDate(1369939707527)).toBe('2013-05-30 18-48-27');
    expect(csvDate(null)).toBe('');
  });
});

describe('csv rows', () => {
  it('puts the fixed columns first, then custom data keys in the given order', () => {
    expect(csvHeader(['plan', 'tier'])).toBe(
      'device_locale,os_version,os_api_level,app_id,app_name,app_version,app_build,sdk_version,platform,' +
        'agent_name,agent_email,session_id,session_created,session_ended,plan,tier\r\n',
    );
  });

  it("takes the first agent's name and email and leaves missing values empty", () => {
    const session = {
      id: 'id-1',
      device: { device_locale: 'en-GB', platform: 'web' },
      agents: [
        { id: 'a', name: 'Ann', email: 'ann@x.test', joined_at: 1 },
        { id: 'b', name: 'Bob', joined_at: 2 },
      ],
      created_at: 1369939707527,
      ended_at: null,
      custom_data: { tier: 'gold', plan: '=cmd' },
    } as unknown as SessionSnapshot;
    expect(csvRow(rowOf(session), ['plan', 'tier', 'absent'])).toBe(
      "en-GB,,,,,,,,web,Ann,ann@x.test,id-1,2013-05-30 18-48-27,,'=cmd,gold,\r\n",
    );
  });
});
