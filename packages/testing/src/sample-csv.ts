/**
 * A realistic product CSV for tests and the benchmark (deterministic for a seed): names of 2–4
 * words (some needing quotes), SKUs like `walnut-kettle-ridge-0042`, descriptions of 1–3 sentences
 * with commas, some with quotes or a line break, and ~3 % of SKUs repeated later in another
 * letter case (the later row wins).
 */
export interface SampleCsvOptions {
  rows: number;
  seed?: number;
  /** Share of rows that repeat an earlier SKU in another case. */
  repeatShare?: number;
  /** `,` by default; `;` as Excel writes in many European locales. */
  delimiter?: string;
  /** Encode the text as Windows-1252 (as Excel's plain "CSV" on Windows) instead of UTF-8. */
  encoding?: 'utf-8' | 'windows-1252';
  /** Share of names with an accented word (`crème`, `größe`, `café`, `€`); 0 by default. */
  accentShare?: number;
}

const ACCENTED = ['crème', 'größe', 'café', 'naïve', 'señor', 'Ødegård', '€ saver', 'déjà vu'];

/** Windows-1252 bytes of `text` (all its characters are in that code page). */
function windows1252(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x20ac) bytes[i] = 0x80;
  return bytes;
}

const WORDS = (
  'walnut kettle ridge amber toaster harbor maple linen copper vessel cedar quartz meadow ' +
  'pillow lantern saddle velvet canyon ember orchard pepper marble willow juniper cobalt ' +
  'granite falcon breeze olive timber coral sierra basil crimson glacier thistle mango pebble'
).split(' ');
const ADJECTIVES = 'compact sturdy elegant quiet durable portable classic bright soft smart'.split(
  ' ',
);
const SENTENCES = [
  'Built to last, with a finish that resists scratches.',
  'Ideal for small kitchens, offices, and studios.',
  'Ships fully assembled; no tools required.',
  'Our customers call it "the best buy of the year".',
  'Dishwasher safe, except for the lid.',
  'Available while stocks last, in limited colours.',
  'Measures 30 x 20 x 10 cm, weighs 1.2 kg.',
  'A 5" display shows the current setting.',
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function csvField(value: string, delimiter: string): string {
  return /["\r\n]/.test(value) || value.includes(delimiter)
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}

/** The file in ~256 KiB pieces; returns the number of distinct SKUs. */
export function* sampleCsv({
  rows,
  seed = 20_240_611,
  repeatShare = 0.03,
  delimiter = ',',
  encoding = 'utf-8',
  accentShare = 0,
}: SampleCsvOptions): Generator<Buffer, number> {
  const encode = encoding === 'utf-8' ? (text: string) => Buffer.from(text) : windows1252;
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const skus: string[] = [];
  let text = ['sku', 'name', 'description', 'active'].join(delimiter) + '\n';
  for (let i = 0; i < rows; i++) {
    let sku: string;
    const earlier = skus[Math.floor(random() * skus.length)];
    if (earlier && random() < repeatShare) sku = earlier.toUpperCase();
    else {
      sku = `${pick(WORDS)}-${pick(WORDS)}-${pick(WORDS)}-${i.toString(36)}`;
      if (random() < 0.05) sku = sku.toUpperCase();
      skus.push(sku);
    }
    const words = 2 + Math.floor(random() * 3);
    const nameParts = [pick(ADJECTIVES)];
    for (let w = 1; w < words; w++) nameParts.push(pick(WORDS));
    let name = nameParts.join(' ');
    if (random() < 0.06) name = `${name}, ${pick(WORDS)} edition`;
    if (accentShare > 0 && random() < accentShare) name = `${name} ${pick(ACCENTED)}`;
    const sentences = 1 + Math.floor(random() * 3);
    const description = Array.from({ length: sentences }, () => pick(SENTENCES)).join(
      random() < 0.002 ? '\n' : ' ',
    );
    const active = random() < 0.9 ? 'true' : 'false';
    text += `${csvField(sku, delimiter)}${delimiter}${csvField(name, delimiter)}${delimiter}${csvField(description, delimiter)}${delimiter}${active}\n`;
    if (text.length >= 262_144) {
      yield encode(text);
      text = '';
    }
  }
  if (text.length > 0) yield encode(text);
  return skus.length;
}

/** Distinct SKUs (case-insensitive) of a sample file: what the catalogue holds after importing it. */
export function sampleDistinctSkus(options: SampleCsvOptions): number {
  const pieces = sampleCsv(options);
  for (;;) {
    const next = pieces.next();
    if (next.done) return next.value;
  }
}
