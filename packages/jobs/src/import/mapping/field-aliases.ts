import type { TMappedField } from '@acme/shared';

/**
 * Header names that mean a product field, in the languages merchants and their suppliers write
 * (English, German, French, Spanish, Italian, Dutch, Portuguese) and as shops and ERPs export
 * them. Compared by `headerKey`, so case, accents, spacing and punctuation do not matter here.
 */
export const FIELD_ALIASES: Record<TMappedField, readonly string[]> = {
  sku: [
    // English, and what shops and marketplaces call it
    'SKU',
    'Item code',
    'Item number',
    'Item no',
    'Product code',
    'Product number',
    'Product SKU',
    'Variant SKU',
    'Seller SKU',
    'Merchant SKU',
    'Part number',
    'Part no',
    'Article number',
    'Article no',
    'Stock code',
    'Stock keeping unit',
    'Reference',
    'Ref',
    // German
    'Artikelnummer',
    'Artikel-Nr',
    'Art-Nr',
    'Artikelcode',
    'Bestellnummer',
    'Produktnummer',
    'Materialnummer',
    // French
    'Référence',
    'Réf',
    'Code article',
    'Code produit',
    "Numéro d'article",
    'Référence produit',
    // Spanish
    'Referencia',
    'Código',
    'Código de artículo',
    'Código de producto',
    'Número de artículo',
    // Italian
    'Codice',
    'Codice articolo',
    'Codice prodotto',
    'Riferimento',
    // Dutch
    'Artikelnr',
    'Productcode',
    'Referentie',
    // Portuguese
    'Código do produto',
    'Referência',
  ],
  name: [
    'Name',
    'Product name',
    'Item name',
    'Title',
    'Product title',
    'Product',
    'Item',
    // German
    'Bezeichnung',
    'Artikelbezeichnung',
    'Artikelname',
    'Produktname',
    'Produktbezeichnung',
    'Titel',
    // French
    'Nom',
    'Nom du produit',
    'Nom produit',
    'Désignation',
    'Libellé',
    'Titre',
    // Spanish
    'Nombre',
    'Nombre del producto',
    'Producto',
    'Título',
    'Denominación',
    // Italian
    'Nome',
    'Nome prodotto',
    'Titolo',
    'Denominazione',
    'Prodotto',
    // Dutch
    'Naam',
    'Productnaam',
    'Artikelnaam',
    // Portuguese
    'Nome do produto',
    'Designação',
  ],
  description: [
    'Description',
    'Product description',
    'Item description',
    'Long description',
    'Body',
    'Body HTML',
    'Details',
    'Desc',
    // German
    'Beschreibung',
    'Artikelbeschreibung',
    'Produktbeschreibung',
    'Langtext',
    'Langbeschreibung',
    // French
    'Description du produit',
    'Description longue',
    // Spanish
    'Descripción',
    'Descripción del producto',
    'Descripción larga',
    // Italian
    'Descrizione',
    'Descrizione prodotto',
    // Dutch
    'Omschrijving',
    'Beschrijving',
    'Productomschrijving',
    // Portuguese
    'Descrição',
  ],
  active: [
    'Active',
    'Enabled',
    'Is active',
    'Status',
    'Published',
    'Visible',
    // German
    'Aktiv',
    'Veröffentlicht',
    'Sichtbar',
    // French
    'Actif',
    'Statut',
    'Publié',
    // Spanish
    'Activo',
    'Estado',
    'Publicado',
    // Italian
    'Attivo',
    'Stato',
    'Pubblicato',
    'Visibile',
    // Dutch
    'Actief',
    'Gepubliceerd',
    'Zichtbaar',
    // Portuguese
    'Ativo',
  ],
};
