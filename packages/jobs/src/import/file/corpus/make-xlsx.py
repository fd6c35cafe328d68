"""Writes this corpus's .xlsx files (python3 make-xlsx.py): ZIPs laid out as their writers do.

- excel-cells.xlsx: as Excel saves a workbook: sheets before the shared strings table, a styles part
  (a date format, a "00000" code format, a date-time format), the first tab stored as sheet2.xml.
- excel-cells-invalid.xlsx, excel-empty.xlsx: as exporters that write inline strings do (no shared
  strings table, no styles).
- excel-ja-phonetic.xlsx: as Japanese Excel saves text typed through an input method: each shared
  string carries its reading (<rPh>, furigana) and <phoneticPr>; the shared strings part is
  pretty-printed (white space between elements), and one cell holds a rich inline string.
"""
import os
import zipfile

d = os.path.dirname(os.path.abspath(__file__))
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
ct = head + '''<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'''
rels = head + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
# Tab order: "Products" (sheet2.xml) comes first, "Notes" (sheet1.xml) second, as after moving a tab in Excel.
workbook = head + f'<workbook {NS}><workbookPr defaultThemeVersion="166925"/><sheets><sheet name="Products" sheetId="2" r:id="rId2"/><sheet name="Notes" sheetId="1" r:id="rId1"/></sheets></workbook>'
wbrels = head + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
# styles: 0 General, 1 date (numFmtId 14), 2 custom "00000", 3 custom date-time "yyyy-mm-dd hh:mm"
styles = head + f'<styleSheet {NS}><numFmts count="2"><numFmt numFmtId="164" formatCode="00000"/><numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'
strings = ['sku', 'name', 'description', 'active', 'released', '00123', 'Kettle', 'Boils water, fast', 'Toaster "Pro"', 'Two slots\nand a lever', 'Crème brûlée torch', 'Ünïcödé 🔥', 'NO-DESC', 'Bare lamp', 'Chair', 'Leading & trailing  ', 'note', 'This sheet is not imported']
def sst(s):
    return f'<si><t xml:space="preserve">{s.replace("&","&amp;").replace("<","&lt;").replace(">","&gt;")}</t></si>'
# rich text shared string (index 18): "Desk " bold + "lamp"
sharedxml = head + f'<sst {NS} count="{len(strings)+1}" uniqueCount="{len(strings)+1}">' + ''.join(sst(s) for s in strings) + '<si><r><rPr><b/></rPr><t xml:space="preserve">Desk </t></r><r><t>lamp</t></r></si></sst>'
S = {s: i for i, s in enumerate(strings)}
def s(ref, text): return f'<c r="{ref}" t="s"><v>{S[text]}</v></c>'
rows = [
 (1, [s('A1','sku'), s('B1','name'), s('C1','description'), s('D1','active'), s('E1','released')]),
 # SKU stored as text keeps its zeros; booleans; a date
 (2, [s('A2','00123'), s('B2','Kettle'), s('C2','Boils water, fast'), '<c r="D2" t="b"><v>1</v></c>', '<c r="E2" s="1"><v>45352</v></c>']),
 # a number SKU formatted 00000 shows 00042; integer stored as 12345.0-free; FALSE
 (3, ['<c r="A3" s="2"><v>42</v></c>', s('B3','Toaster "Pro"'), s('C3','Two slots\nand a lever'), '<c r="D3" t="b"><v>0</v></c>', '<c r="E3" s="3"><v>45352.5</v></c>']),
 # a barcode-like integer SKU, a float with noise in the description, a formula with its result
 (4, ['<c r="A4"><v>4006381333931</v></c>', s('B4','Crème brûlée torch'), '<c r="C4"><v>0.30000000000000004</v></c>', '<c r="D4" t="b"><f>TRUE()</f><v>1</v></c>']),
 # an empty row 5 is absent (Excel writes nothing for it); row 6 leaves the description cell out
 (6, [s('A6','NO-DESC'), s('B6','Bare lamp'), '<c r="D6" t="b"><v>1</v></c>']),
 # rich text name, an error value in the description
 (7, ['<c r="A7" t="str"><f>"DESK-"&amp;"7"</f><v>DESK-7</v></c>', '<c r="B7" t="s"><v>18</v></c>', '<c r="C7" t="e"><v>#N/A</v></c>']),
 # a row of styled but empty cells (Excel keeps them after clearing a row)
 (8, ['<c r="A8" s="2"/>', '<c r="B8" s="2"/>']),
 # inline string, trailing spaces kept for the validator to trim; a decimal number name
 (9, ['<c r="A9" t="inlineStr"><is><t>CHAIR-9</t></is></c>', '<c r="B9"><v>12.5</v></c>', s('C9','Leading & trailing  ')]),
]
def sheet(rows):
    return head + f'<worksheet {NS}><dimension ref="A1:E9"/><sheetData>' + ''.join(f'<row r="{r}">' + ''.join(cs) + '</row>' for r, cs in rows) + '</sheetData></worksheet>'
notes = head + f'<worksheet {NS}><sheetData><row r="1">{s("A1","note")}</row><row r="2">{s("A2","This sheet is not imported")}</row></sheetData></worksheet>'
def write_excel_cells(out):
  with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    # Excel's entry order: the sheets come before the shared strings.
    for name, data in [('[Content_Types].xml', ct), ('_rels/.rels', rels), ('xl/workbook.xml', workbook), ('xl/_rels/workbook.xml.rels', wbrels), ('xl/worksheets/sheet1.xml', notes), ('xl/worksheets/sheet2.xml', sheet(rows)), ('xl/styles.xml', styles), ('xl/sharedStrings.xml', sharedxml)]:
        z.writestr(name, data)


NS2 = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
head2 = '<?xml version="1.0" encoding="UTF-8"?>\n'
ct2 = head2 + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
rels2 = head2 + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
workbook2 = head2 + f'<workbook {NS2}><sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>'
wbrels2 = head2 + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
def inline(ref, text): return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
def write_inline(out, rows):
    data = head2 + f'<worksheet {NS2}><sheetData>' + ''.join(f'<row r="{r}">' + ''.join(cs) + '</row>' for r, cs in rows) + '</sheetData></worksheet>'
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, d in [('[Content_Types].xml', ct2), ('_rels/.rels', rels2), ('xl/workbook.xml', workbook2), ('xl/_rels/workbook.xml.rels', wbrels2), ('xl/worksheets/sheet1.xml', data)]:
            z.writestr(name, d)


def write_japanese(out):
    def si(text, reading=None):
        # Pretty-printed, as some writers indent parts: the white space is not part of the string.
        ph = f'\n    <rPh sb="0" eb="{len(text)}">\n      <t>{reading}</t>\n    </rPh>' if reading else ''
        return f'\n  <si>\n    <t>{text}</t>{ph}\n    <phoneticPr fontId="1"/>\n  </si>'
    strings = [('sku', None), ('name', None), ('description', None), ('active', None),
               ('電気ケトル', 'デンキケトル'), ('湯沸かし 1.2L', 'ユワカシ'), ('卓上ランプ', 'タクジョウランプ')]
    sst = head + f'<sst {NS} count="{len(strings)}" uniqueCount="{len(strings)}">' + ''.join(si(t, r) for t, r in strings) + '\n</sst>'
    def ref(cell, index): return f'<c r="{cell}" t="s"><v>{index}</v></c>'
    rich = '<c r="C3" t="inlineStr"><is><r><t xml:space="preserve">真鍮の </t></r><r><rPr><b/></rPr><t>アーム</t></r><rPh sb="0" eb="2"><t>シンチュウ</t></rPh></is></c>'
    rows = [
        (1, [ref('A1', 0), ref('B1', 1), ref('C1', 2), ref('D1', 3)]),
        (2, ['<c r="A2" t="inlineStr"><is><t>JP-1</t></is></c>', ref('B2', 4), ref('C2', 5), '<c r="D2" t="b"><v>1</v></c>']),
        (3, ['<c r="A3" t="inlineStr"><is><t>JP-2</t></is></c>', ref('B3', 6), rich, '<c r="D3" t="b"><v>0</v></c>']),
    ]
    sheet1 = head + f'<worksheet {NS}><sheetData>' + ''.join(f'<row r="{r}">' + ''.join(cs) + '</row>' for r, cs in rows) + '</sheetData></worksheet>'
    ct_ja = ct.replace('<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>', '').replace('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>', '')
    workbook_ja = head + f'<workbook {NS}><sheets><sheet name="商品" sheetId="1" r:id="rId1"/></sheets></workbook>'
    wbrels_ja = head + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in [('[Content_Types].xml', ct_ja), ('_rels/.rels', rels), ('xl/workbook.xml', workbook_ja), ('xl/_rels/workbook.xml.rels', wbrels_ja), ('xl/worksheets/sheet1.xml', sheet1), ('xl/sharedStrings.xml', sst)]:
            z.writestr(name, data)


if __name__ == '__main__':
    write_excel_cells(f'{d}/excel-cells.xlsx')
    # What exporters that write inline strings (no shared strings table, no styles) produce.
    write_inline(f'{d}/excel-cells-invalid.xlsx', [
        (1, [inline('A1', 'sku'), inline('B1', 'name')]),
        (2, [inline('A2', 'OK-2'), inline('B2', 'Fine')]),
        (4, [inline('A4', 'BAD-4')]),
    ])
    write_inline(f'{d}/excel-empty.xlsx', [])
    write_japanese(f'{d}/excel-ja-phonetic.xlsx')
