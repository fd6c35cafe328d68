import iconv from 'iconv-lite';
import { describe, expect, test } from 'vitest';
import { corpusFile, errorsOf, importFile, productsBySku, useInProcessWorker } from '@acme/testing';

// CSV files as spreadsheet programs write them (code pages outside Western Europe, numbers shown
// in scientific notation), through the whole import (upload rows in PostgreSQL, the worker, the
// catalogue). file/corpus/README.md says which program and options wrote each one.

const files = useInProcessWorker();

const POLISH_AND_CZECH = [
  {
    sku: 'CZ-3',
    name: 'Příliš žluťoučký kůň',
    description: 'Úpěl ďábelské ódy',
    active: true,
  },
  {
    sku: 'PL-1',
    name: 'Zażółć gęślą jaźń',
    description: 'Czajnik elektryczny, 1,7 l',
    active: true,
  },
  { sku: 'PL-2', name: 'Łódź – kubek', description: 'Śliczny kubek z uchem', active: false },
];

const RUSSIAN_AND_UKRAINIAN = [
  {
    sku: 'RU-1',
    name: 'Чайник электрический',
    description: 'Объём 1,7 л, нержавеющая сталь',
    active: true,
  },
  { sku: 'RU-2', name: 'Кружка «Утро»', description: 'Фарфор; 350 мл', active: false },
  { sku: 'UA-3', name: 'Ґанок і їжак', description: 'Єдиний екземпляр', active: true },
];

describe('a file in a code page other than Windows-1252', () => {
  test.each([
    ['libreoffice-pl-windows-1250.csv', 'windows-1250', ',', POLISH_AND_CZECH],
    [
      'libreoffice-pl-iso-8859-2.csv',
      'iso-8859-2',
      ',',
      // ISO-8859-2 has no en dash: LibreOffice wrote a hyphen
      POLISH_AND_CZECH.map((p) => (p.sku === 'PL-2' ? { ...p, name: 'Łódź - kubek' } : p)),
    ],
    ['libreoffice-ru-windows-1251.csv', 'windows-1251', ';', RUSSIAN_AND_UKRAINIAN],
    [
      'libreoffice-ru-koi8-r.csv',
      'koi8-r',
      ',',
      // KOI8-R has no «», Ґ, Є or ї: LibreOffice wrote "?" for them
      [
        RUSSIAN_AND_UKRAINIAN[0],
        { ...RUSSIAN_AND_UKRAINIAN[1], name: 'Кружка ?Утро?' },
        { ...RUSSIAN_AND_UKRAINIAN[2], name: '?анок ? ?жак', description: '?диний екземпляр' },
      ],
    ],
    [
      'libreoffice-ja-shift-jis.csv',
      'shift_jis',
      ',',
      [
        { sku: 'JP-1', name: '電気ケトル', description: '湯沸かし 1.2L ステンレス', active: true },
        {
          sku: 'JP-2',
          name: '卓上ランプ',
          description: '真鍮のアーム、ＬＥＤ電球付き',
          active: false,
        },
        { sku: 'JP-3', name: 'ﾏｸﾞｶｯﾌﾟ', description: '半角カナの商品名', active: true },
      ],
    ],
    [
      'libreoffice-zh-gb18030.csv',
      'gb18030',
      ',',
      [
        { sku: 'CN-1', name: '电热水壶', description: '不锈钢 1.7升，快速烧水', active: true },
        { sku: 'CN-2', name: '台灯', description: '黄铜灯臂，附带LED灯泡', active: false },
        { sku: 'CN-3', name: '马克杯', description: '陶瓷材质 350毫升', active: true },
      ],
    ],
    [
      'iconv-zh-tw-big5.csv',
      'big5',
      ',',
      [
        { sku: 'TW-1', name: '電熱水壺', description: '不鏽鋼 1.7公升，快速煮水', active: true },
        { sku: 'TW-2', name: '檯燈', description: '黃銅燈臂，附LED燈泡', active: false },
        { sku: 'TW-3', name: '馬克杯', description: '陶瓷；可用洗碗機清洗', active: true },
        // 許 and 功 end in the byte of "\"
        { sku: 'TW-4', name: '許願瓶', description: '玻璃製品，功能強大', active: true },
      ],
    ],
    [
      'iconv-ko-cp949.csv',
      'euc-kr',
      ',',
      [
        {
          sku: 'KR-1',
          name: '전기 주전자',
          description: '스테인리스 1.7리터 빠른 가열',
          active: true,
        },
        { sku: 'KR-2', name: '탁상 램프', description: '황동 암과 LED 전구 포함', active: false },
        // 똠 and 꿍 are outside EUC-KR: code page 949 writes them with ASCII letters as trail bytes
        { sku: 'KR-3', name: '똠얌꿍 소스', description: '태국식 수프 소스, 매운맛', active: true },
      ],
    ],
    [
      'iconv-hu-windows-1250.csv',
      'windows-1250',
      ',',
      [
        {
          sku: 'HU-1',
          name: 'Elektromos vízforraló',
          description: 'Rozsdamentes acél, 1,7 literes',
          active: true,
        },
        {
          sku: 'HU-2',
          name: 'Asztali lámpa',
          description: 'Sárgaréz kar és LED izzó',
          active: false,
        },
        {
          sku: 'HU-3',
          name: 'Bögre (350 ml)',
          description: 'Kerámia; mosogatógépben mosható',
          active: true,
        },
        {
          sku: 'HU-4',
          name: 'Fűnyíró',
          description: 'Erős motor, hosszú élettartam',
          active: true,
        },
        {
          sku: 'HU-5',
          name: 'Őszibarack lekvár',
          description: 'Ünnepi ajándék üvegben',
          active: true,
        },
      ],
    ],
    ['utf-16be-no-bom.csv', 'utf-16be', ',', POLISH_AND_CZECH],
  ])('%s reads as %s', async (file, encoding, delimiter, products) => {
    const final = await importFile(files.database, file, corpusFile(file));
    expect(final).toMatchObject({
      status: 'completed',
      error: null,
      created: products.length,
      invalid: 0,
      format: { encoding, delimiter, compression: null },
      warnings: [],
    });
    expect(await productsBySku(files.database.sql)).toEqual(products);
  });

  test('Shift_JIS: a character ending in the byte of a backslash stays text; a corrupt row costs that row', async () => {
    const final = await importFile(
      files.database,
      '商品一覧.csv',
      corpusFile('shift-jis-corrupt-row.csv'),
    );
    expect(final).toMatchObject({
      status: 'completed',
      created: 4,
      invalid: 1,
      format: { encoding: 'shift_jis', delimiter: ',' },
    });
    expect(await errorsOf(files.database.sql, final.id)).toEqual([
      {
        line: 5,
        sku: 'JP-4',
        message:
          'invalid Shift_JIS (Japanese): this row holds bytes of another encoding while the rest of the file is Shift_JIS (Japanese); fix the row or save the file as "CSV UTF-8"',
      },
    ]);
    expect(await productsBySku(files.database.sql)).toEqual([
      // ソ and 表 end in the byte of "\": not an escape
      { sku: 'JP-1', name: 'ソファ', description: '表示価格\u3000税込', active: true },
      { sku: 'JP-2', name: '能力表', description: 'ソース｜ボトル', active: true },
      { sku: 'JP-3', name: 'ポット "大"', description: '説明', active: true },
      { sku: 'JP-5', name: 'ソファ', description: 'ok', active: true },
    ]);
  });

  test('Western files keep their code page', async () => {
    const mac = await importFile(files.database, 'mac.csv', corpusFile('excel-mac-roman.csv'));
    expect(mac).toMatchObject({
      status: 'completed',
      created: 2,
      format: { encoding: 'macintosh' },
    });
    const german = await importFile(
      files.database,
      'de.csv',
      corpusFile('excel-win-de-semicolon.csv'),
    );
    expect(german).toMatchObject({
      status: 'completed',
      created: 2,
      format: { encoding: 'windows-1252', delimiter: ';' },
    });
    expect((await productsBySku(files.database.sql)).map(({ sku, name }) => [sku, name])).toEqual([
      ['GR-1', 'Größe XL'],
      ['GR-2', 'Übergröße'],
      ['MAC-1', 'Crème brûlée torch'],
      ['MAC-2', 'Müller’s naïve café'],
    ]);
  });

  test('Portuguese õ and Estonian õ beside ö and ü stay Windows-1252 (Hungarian ő is the same byte)', async () => {
    const portuguese = await importFile(
      files.database,
      'pt.csv',
      iconv.encode(
        'sku,name\nPT-1,Peças e acessórios\nPT-2,Informações técnicas\n',
        'windows-1252',
      ),
    );
    const estonian = await importFile(
      files.database,
      'et.csv',
      iconv.encode(
        'sku,name\nET-1,Jõulukaunistused\nET-2,Öökull ja üks päikesevari\n',
        'windows-1252',
      ),
    );
    for (const final of [portuguese, estonian])
      expect(final).toMatchObject({
        status: 'completed',
        created: 2,
        format: { encoding: 'windows-1252' },
      });
    expect((await productsBySku(files.database.sql)).map(({ name }) => name)).toEqual([
      'Jõulukaunistused',
      'Öökull ja üks päikesevari',
      'Peças e acessórios',
      'Informações técnicas',
    ]);
  });

  test('a Windows-1252 file with one symbol ("°", "™") is imported as Windows-1252, not refused', async () => {
    const final = await importFile(
      files.database,
      'symbols.csv',
      windows1252('sku,name\nTH-1,Thermostat 30°C\nTM-1,Widget™\n'),
    );
    expect(final).toMatchObject({
      status: 'completed',
      created: 2,
      format: { encoding: 'windows-1252' },
    });
    expect((await productsBySku(files.database.sql)).map(({ sku, name }) => [sku, name])).toEqual([
      ['TH-1', 'Thermostat 30°C'],
      ['TM-1', 'Widget™'],
    ]);
  });

  test('Czech text that reads almost as well in Windows-1252 is read so, with a warning naming both readings', async () => {
    // Š is the same byte in both code pages; ř (0xF8) reads as ø in Windows-1252. Two words are
    // too little to outweigh how much more common Windows-1252 is: the file is imported, and the
    // warning (shown in review) says what to do if the letters look wrong.
    const final = await importFile(
      files.database,
      'nářadí.csv',
      windows1250('sku,name\nCZ-1,Šroubovák řezný\n'),
    );
    expect(final).toMatchObject({
      status: 'completed',
      created: 1,
      format: { encoding: 'windows-1252' },
    });
    expect(final.warnings).toContain(
      'The file is not UTF-8 and reads almost as well in Windows-1250 (Central European) ("řezný") as in Windows-1252 ("øezný"); it was read as Windows-1252. If accented characters look wrong, save it as "CSV UTF-8" and upload it again.',
    );
  });
});

/** `text` in Windows-1252 (the few symbols this test uses). */
function windows1252(text: string): Buffer {
  const codes: Record<string, number> = { '°': 0xb0, '™': 0x99 };
  return Buffer.from([...text].map((c) => codes[c] ?? c.charCodeAt(0)));
}

/** `text` in Windows-1250 (the few letters this test uses). */
function windows1250(text: string): Buffer {
  const codes: Record<string, number> = { Š: 0x8a, á: 0xe1, ř: 0xf8, ý: 0xfd };
  return Buffer.from([...text].map((c) => codes[c] ?? c.charCodeAt(0)));
}

describe('a CSV saved from a spreadsheet as shown', () => {
  test('SKUs shortened to scientific notation cost their rows instead of becoming one product', async () => {
    // LibreOffice, CSV "as shown" from barcodes in a scientific format (Excel does the same for a
    // General column too narrow for them)
    const final = await importFile(
      files.database,
      'barcodes.csv',
      corpusFile('libreoffice-scientific-skus.csv'),
    );
    expect(final).toMatchObject({ status: 'completed', created: 1, invalid: 2, duplicates: 0 });
    const reason = (sku: string) =>
      `sku ${sku} is a number a spreadsheet shortened to scientific notation, so its digits are lost; format the SKU column as Text (or Number without decimals) in the original file and save it again`;
    expect(await errorsOf(files.database.sql, final.id)).toEqual([
      { line: 2, sku: '4.00638E+12', message: reason('4.00638E+12') },
      { line: 3, sku: '4.00638E+12', message: reason('4.00638E+12') },
    ]);
    expect(await productsBySku(files.database.sql)).toEqual([
      { sku: '4006381333955', name: 'Pencil 4B', description: '', active: true },
    ]);
  });
});
