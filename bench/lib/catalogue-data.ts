// Deterministic, realistic product rows for benchmarks: word-word-word SKUs, 2-4 word names,
// 1-3 sentence descriptions. The same seed gives the same rows on every machine.

const ADJECTIVES =
  'red blue green black white steel oak walnut copper brass matte glossy compact deluxe classic modern rustic vintage smart silent rapid heavy light mini ultra'.split(
    ' ',
  );
const NOUNS =
  'kettle toaster blender lamp chair table shelf mug plate bowl knife fork spoon pan pot grill fan heater clock mirror rug pillow blanket basket vase bottle jar tray board stool bench desk cabinet drawer hook rack stand'.split(
    ' ',
  );
const WORDS =
  'the a with for and of in on to from by this that it is its our your every each all more most less very well also just only even still built made designed crafted shaped tested finished coated polished sealed woven knitted printed forged moulded turned carved brushed keeps holds fits serves stores carries pours heats cools lights cleans cuts mixes brews toasts grills folds stacks hangs rolls locks kitchen home office garden patio bedroom bathroom hallway studio workshop cafe restaurant hotel school camp cabin balcony daily weekly easy simple quick gentle careful lasting durable sturdy stable reliable flexible portable compact spacious generous clean wash dry wipe rinse dishwasher safe oven microwave freezer proof resistant friendly certified approved recycled organic natural finish handle lid base grip size colour color shade pattern texture surface edge corner rim spout cord plug switch dial button steel wood glass cotton linen ceramic stone porcelain bamboo leather wool silk marble granite copper brass aluminium iron plastic rubber cork light warm quiet fast strong soft smooth rough bright dark pale deep rich bold calm cosy fresh crisp sharp round square oval slim wide family guests children friends chefs bakers makers travellers students hosts beginners experts everyone anyone morning evening weekend holiday summer winter spring autumn season year day night hour minute coffee tea water juice soup bread pasta rice salad fruit herbs spices cake cookies pizza sauce oil butter cheese table shelf counter drawer cupboard sink window door wall floor ceiling rack hook stand tray basket box crate bag case gift set pair pack bundle collection range series edition line classic original signature premium essential everyday comfortable elegant practical beautiful timeless versatile lightweight heavyweight handmade imported local limited exclusive space storage style design quality value comfort detail care attention balance harmony warmth character charm'.split(
    ' ',
  );

/** mulberry32: small, fast, good enough for test data. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function sentence(rand: () => number): string {
  const length = 8 + Math.floor(rand() * 8);
  const words = Array.from({ length }, () => pick(rand, WORDS));
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

export interface ProductRow {
  sku: string;
  name: string;
  description: string;
  active: boolean;
}

export function* productRows(count: number, seed = 20_261_122): Generator<ProductRow> {
  const rand = random(seed);
  for (let i = 0; i < count; i++) {
    const nameWords = 2 + Math.floor(rand() * 3);
    const name = Array.from({ length: nameWords }, (_, w) =>
      w === nameWords - 1 ? pick(rand, NOUNS) : pick(rand, ADJECTIVES),
    ).join(' ');
    const sentences = 1 + Math.floor(rand() * 3);
    yield {
      sku: `${pick(rand, ADJECTIVES)}-${pick(rand, NOUNS)}-${i.toString(36)}`,
      name: name[0]!.toUpperCase() + name.slice(1),
      description: Array.from({ length: sentences }, () => sentence(rand)).join(' '),
      active: rand() < 0.8,
    };
  }
}

/** COPY text format: tab-separated, backslash escapes. */
export function copyLine(row: ProductRow): string {
  const escape = (value: string) =>
    value.replace(
      /[\\\t\n\r]/g,
      (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!,
    );
  return `${escape(row.sku)}\t${escape(row.name)}\t${escape(row.description)}\t${row.active ? 't' : 'f'}\n`;
}
