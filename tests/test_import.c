#define _GNU_SOURCE
/* Unit tests of the import readers: CSV decoding (encodings, BOM, CRLF,
 * quotes, embedded newlines, chunk boundaries), date formats, xlsx cells
 * (shared strings with rich text and phonetic runs, inline strings,
 * numbers, booleans, date styles, merged cells) and Excel serials. */
#include "test_util.h"

#include "csvin.h"
#include "importmap.h"
#include "xlsx.h"

#include <iconv.h>
#include <unistd.h>
#include <zip.h>

/* Rows collected by a reader, one "row:cell|cell|..." line each. */
typedef struct rows {
    buf text;
} rows;

static or_status collect(void *ctx, long row, size_t n, const char *const *cells)
{
    rows *r = ctx;
    buf_printf(&r->text, "%ld:", row);
    for (size_t i = 0; i < n; i++)
        buf_printf(&r->text, "%s%s", i ? "|" : "", cells[i]);
    buf_putc(&r->text, '\n');
    return OR_OK;
}

static char *write_temp(const char *suffix, const void *data, size_t len)
{
    char *path = NULL;
    assert_true(asprintf(&path, "/tmp/opsreport-test-import-%ld%s", (long)getpid(), suffix) > 0);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static char *to_encoding(const char *utf8, const char *enc, size_t *len)
{
    iconv_t cd = iconv_open(enc, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inl = strlen(utf8), outl = inl * 4 + 4;
    char *out = malloc(outl), *op = out, *ip = (char *)utf8;
    assert_true(iconv(cd, &ip, &inl, &op, &outl) != (size_t)-1);
    iconv_close(cd);
    *len = (size_t)(op - out);
    return out;
}

static void column_names(void **state)
{
    (void)state;
    char s[8];
    tab_column_name(0, s);
    assert_string_equal(s, "A");
    tab_column_name(25, s);
    assert_string_equal(s, "Z");
    tab_column_name(26, s);
    assert_string_equal(s, "AA");
    tab_column_name(701, s);
    assert_string_equal(s, "ZZ");
    tab_column_name(702, s);
    assert_string_equal(s, "AAA");
}

static void detects_encodings(void **state)
{
    (void)state;
    size_t bom;
    assert_string_equal(csvin_detect((const unsigned char *)"\xEF\xBB\xBF" "a,b", 6, &bom), "UTF-8");
    assert_int_equal(bom, 3);
    assert_string_equal(csvin_detect((const unsigned char *)"\x84\x31\x95\x33" "a", 5, &bom), "GB18030");
    assert_int_equal(bom, 4);
    assert_null(csvin_detect((const unsigned char *)"\xFF\xFE" "a\0", 4, &bom));
    assert_string_equal(csvin_detect((const unsigned char *)"巡检,结果", strlen("巡检,结果"), &bom), "UTF-8");
    assert_int_equal(bom, 0);
    /* 巡检 in GBK: D1 B2 BC EC, not UTF-8 */
    assert_string_equal(csvin_detect((const unsigned char *)"\xD1\xB2\xBC\xEC", 4, &bom), "GB18030");
}

static void reads_rfc4180_utf8_bom_crlf(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBF" "巡检项,结果,说明\r\n首页,正常,\"HTTP 200, 0.4 s\"\r\n\r\n"
                        "栏目,异常,\"第一行\r\n第二行\"\r\n音频,警告,\"他说\"\"好\"\"\"\r\n,,\r\n尾行,正常,无换行";
    char *path = write_temp(".csv", text, sizeof text - 1);
    rows r;
    buf_init(&r.text, 0);
    capture c;
    capture_begin(&c);
    const char *enc = NULL;
    assert_int_equal(csvin_read(path, NULL, collect, &r, &c.d, &enc), OR_OK);
    assert_string_equal(enc, "UTF-8");
    assert_string_equal(buf_cstr(&r.text), "1:巡检项|结果|说明\n2:首页|正常|HTTP 200, 0.4 s\n"
                                           "3:栏目|异常|第一行\r\n第二行\n4:音频|警告|他说\"好\"\n6:尾行|正常|无换行\n");
    capture_end(&c);
    buf_free(&r.text);
    unlink(path);
    free(path);
}

static void reads_gbk_and_gb18030(void **state)
{
    (void)state;
    size_t len;
    char *gbk = to_encoding("系统,结果\r\n门户网站,正常\r\n", "GBK", &len);
    char *path = write_temp(".csv", gbk, len);
    rows r;
    buf_init(&r.text, 0);
    capture c;
    capture_begin(&c);
    const char *enc = NULL;
    assert_int_equal(csvin_read(path, NULL, collect, &r, &c.d, &enc), OR_OK);
    assert_string_equal(enc, "GB18030");
    assert_string_equal(buf_cstr(&r.text), "1:系统|结果\n2:门户网站|正常\n");
    buf_reset(&r.text);
    assert_int_equal(csvin_read(path, "gbk", collect, &r, &c.d, &enc), OR_OK);
    assert_string_equal(buf_cstr(&r.text), "1:系统|结果\n2:门户网站|正常\n");
    /* The same bytes declared UTF-8: an error naming the row and the byte
     * (CF B5 CD B3, 系统, happen to be valid UTF-8; BD of 结 is not). */
    buf_reset(&r.text);
    assert_int_equal(csvin_read(path, "utf-8", collect, &r, &c.d, &enc), OR_EINPUT);
    assert_non_null(strstr(capture_text(&c), ":1: error: byte 0xBD is not valid utf-8"));
    unlink(path);
    free(path);
    free(gbk);

    /* A file longer than one read chunk (64 KiB) with a two-byte character
     * cut by the chunk boundary (the odd-length header puts byte 65536 in
     * the middle of one), and a GB18030 four-byte character (𠮷) that GBK
     * does not have. */
    buf big;
    buf_init(&big, 0);
    buf_puts(&big, "名称x\r\n");
    for (int i = 0; i < 2000; i++)
        buf_puts(&big, "检检检检检检检检检检检检检检检检检检检检\r\n");
    buf_puts(&big, "𠮷\r\n");
    char *g = to_encoding(buf_cstr(&big), "GB18030", &len);
    assert_true(len > 65536 && (65536 - 7) % 42 % 2 == 1);
    path = write_temp(".csv", g, len);
    buf_reset(&r.text);
    assert_int_equal(csvin_read(path, NULL, collect, &r, &c.d, &enc), OR_OK);
    assert_string_equal(enc, "GB18030");
    assert_non_null(strstr(buf_cstr(&r.text), "1:名称x\n2:检检"));
    assert_non_null(strstr(buf_cstr(&r.text), "\n1561:检检检检检检检检检检检检检检检检检检检检\n"));
    assert_non_null(strstr(buf_cstr(&r.text), "\n2001:检检检检检检检检检检检检检检检检检检检检\n2002:𠮷\n"));
    unlink(path);
    free(path);
    free(g);
    buf_free(&big);
    capture_end(&c);
    buf_free(&r.text);
}

static void refuses_bad_csv(void **state)
{
    (void)state;
    const char unclosed[] = "a,b\r\n1,\"open\r\n";
    char *path = write_temp(".csv", unclosed, sizeof unclosed - 1);
    rows r;
    buf_init(&r.text, 0);
    capture c;
    capture_begin(&c);
    assert_int_equal(csvin_read(path, NULL, collect, &r, &c.d, NULL), OR_EINPUT);
    assert_non_null(strstr(capture_text(&c), ":2: error: a quoted field is not closed"));
    unlink(path);
    free(path);
    const char utf16[] = "\xFF\xFE" "a\0,\0b\0";
    path = write_temp(".csv", utf16, sizeof utf16 - 1);
    assert_int_equal(csvin_read(path, NULL, collect, &r, &c.d, NULL), OR_EINPUT);
    assert_non_null(strstr(capture_text(&c), "a UTF-16 file"));
    unlink(path);
    free(path);
    capture_end(&c);
    buf_free(&r.text);
}

static od_minute at(int y, int mo, int d, int h, int mi)
{
    return od_day_start(od_date_from_ymd(y, mo, d)) + h * 60 + mi;
}

static void date_formats(void **state)
{
    (void)state;
    od_minute m;
    bool t;
    assert_true(imap_parse_with("%Y-%m-%d %H:%M", "2026-07-01 09:05", &m, &t));
    assert_true(m == at(2026, 7, 1, 9, 5) && t);
    assert_true(imap_parse_with("%Y-%m-%d %H:%M", "2026-07-01T09:05", &m, &t));
    assert_true(m == at(2026, 7, 1, 9, 5));
    assert_true(imap_parse_with("%Y/%m/%d %H:%M", "2026/7/1 9:05", &m, &t));
    assert_true(m == at(2026, 7, 1, 9, 5));
    assert_true(imap_parse_with("%Y年%m月%d日%H时%M分", "2026年7月1日9时5分", &m, &t));
    assert_true(m == at(2026, 7, 1, 9, 5));
    assert_true(imap_parse_with("%Y-%m-%d %H:%M:%S", "2026-07-01 09:05:59", &m, &t));
    assert_true(m == at(2026, 7, 1, 9, 5));   /* seconds truncated, as records do */
    assert_true(imap_parse_with("%Y年%m月%d日", "2026年12月31日", &m, &t));
    assert_true(m == at(2026, 12, 31, 0, 0) && !t);
    assert_true(imap_parse_with("excel-serial", "46204.37847222222", &m, &t));
    assert_true(m == at(2026, 7, 1, 9, 5) && t);
    assert_true(imap_parse_with("excel-serial", "45658", &m, &t));
    assert_true(m == at(2025, 1, 1, 0, 0) && !t);
    assert_true(imap_parse_with("excel-serial", "61", &m, &t));
    assert_true(m == at(1900, 3, 1, 0, 0));
    assert_true(imap_parse_with("excel-serial", "59", &m, &t));
    assert_true(m == at(1900, 2, 28, 0, 0));
    assert_false(imap_parse_with("excel-serial", "60", &m, &t));   /* 1900-02-29 never was */
    assert_false(imap_parse_with("excel-serial", "2026-07-01", &m, &t));
    assert_false(imap_parse_with("%Y-%m-%d %H:%M", "2026-02-29 09:05", &m, &t));
    assert_false(imap_parse_with("%Y-%m-%d %H:%M", "2026-07-01 24:00", &m, &t));
    assert_false(imap_parse_with("%Y-%m-%d %H:%M", "2026-07-01 09:05 上午", &m, &t));
    assert_false(imap_parse_with("%Y-%m-%d", "26-07-01", &m, &t));
}

static void serials_and_formats(void **state)
{
    (void)state;
    char s[32];
    assert_true(xlsx_serial_text(1, false, true, false, s));
    assert_string_equal(s, "1900-01-01");
    assert_true(xlsx_serial_text(59, false, true, false, s));
    assert_string_equal(s, "1900-02-28");
    assert_true(xlsx_serial_text(60, false, true, false, s));
    assert_string_equal(s, "1900-02-29");   /* Excel's phantom day: no parser takes it */
    assert_true(xlsx_serial_text(61, false, true, false, s));
    assert_string_equal(s, "1900-03-01");
    assert_true(xlsx_serial_text(46204.37847222222, false, true, true, s));
    assert_string_equal(s, "2026-07-01 09:05");
    assert_true(xlsx_serial_text(46204.378483796, false, true, true, s));
    assert_string_equal(s, "2026-07-01 09:05:01");
    assert_true(xlsx_serial_text(0.5, false, false, true, s));
    assert_string_equal(s, "12:00");
    assert_true(xlsx_serial_text(0, true, true, false, s));
    assert_string_equal(s, "1904-01-01");
    assert_false(xlsx_serial_text(-1, false, true, false, s));
    assert_false(xlsx_serial_text(3e6, false, true, false, s));

    bool d, t;
    xlsx_format_kind(14, NULL, &d, &t);
    assert_true(d && !t);
    xlsx_format_kind(22, NULL, &d, &t);
    assert_true(d && t);
    xlsx_format_kind(20, NULL, &d, &t);
    assert_true(!d && t);
    xlsx_format_kind(0, NULL, &d, &t);
    assert_true(!d && !t);
    xlsx_format_kind(31, NULL, &d, &t);   /* yyyy"年"m"月"d"日" in Chinese Excel */
    assert_true(d && !t);
    xlsx_format_kind(164, "yyyy-mm-dd hh:mm", &d, &t);
    assert_true(d && t);
    xlsx_format_kind(165, "yyyy\"年\"m\"月\"d\"日\"", &d, &t);
    assert_true(d && !t);
    xlsx_format_kind(166, "[h]:mm", &d, &t);
    assert_true(!d && t);
    xlsx_format_kind(167, "0.00%", &d, &t);
    assert_true(!d && !t);
    xlsx_format_kind(168, "[Red]#,##0.00", &d, &t);
    assert_true(!d && !t);
    xlsx_format_kind(169, "\"day\"0", &d, &t);
    assert_true(!d && !t);

    size_t col;
    long row;
    assert_true(xlsx_cell_ref("C12", &col, &row) && col == 2 && row == 12);
    assert_true(xlsx_cell_ref("AA1", &col, &row) && col == 26 && row == 1);
    assert_true(xlsx_cell_ref("XFD1048576", &col, &row) && col == 16383 && row == 1048576);
    assert_false(xlsx_cell_ref("XFE1", &col, &row));
    assert_false(xlsx_cell_ref("A0", &col, &row));
    assert_false(xlsx_cell_ref("a1", &col, &row));
    assert_false(xlsx_cell_ref("A1048577", &col, &row));
}

/* A workbook written part by part with libzip, so that each cell form is
 * known exactly. */
static char *make_xlsx(const char *sheet_xml, bool with_workbook)
{
    char *path = NULL;
    assert_true(asprintf(&path, "/tmp/opsreport-test-import-%ld.xlsx", (long)getpid()) > 0);
    unlink(path);
    int err;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    const char *parts[][2] = {
        {"xl/workbook.xml",
         "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
         "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
         "<sheet name=\"说明\" sheetId=\"1\" r:id=\"rId2\"/><sheet name=\"台账\" sheetId=\"2\" r:id=\"rId1\"/></sheets></workbook>"},
        {"xl/_rels/workbook.xml.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"t\" Target=\"worksheets/sheet1.xml\"/>"
         "<Relationship Id=\"rId2\" Type=\"t\" Target=\"/xl/worksheets/sheet2.xml\"/></Relationships>"},
        {"xl/styles.xml",
         "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
         "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d h:mm\"/></numFmts>"
         "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
         "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>"},
        {"xl/sharedStrings.xml",
         "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
         "<si><t>系统</t></si><si><t>时间</t></si><si><r><t>结</t></r><r><rPr><b/></rPr><t>果</t></r></si>"
         "<si><t>门户网站</t><rPh><t>もん</t></rPh></si><si><t xml:space=\"preserve\"> 正常 </t></si>"
         "<si><t>a_x000D_b</t></si></sst>"},
        {"xl/worksheets/sheet2.xml",
         "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
         "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>说明页</t></is></c></row></sheetData></worksheet>"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        if (!with_workbook && i == 0)
            continue;
        zip_source_t *s = zip_source_buffer(z, parts[i][1], strlen(parts[i][1]), 0);
        assert_true(zip_file_add(z, parts[i][0], s, ZIP_FL_OVERWRITE) >= 0);
    }
    zip_source_t *s = zip_source_buffer(z, sheet_xml, strlen(sheet_xml), 0);
    assert_true(zip_file_add(z, "xl/worksheets/sheet1.xml", s, ZIP_FL_OVERWRITE) >= 0);
    assert_int_equal(zip_close(z), 0);
    return path;
}

static void reads_xlsx_cells(void **state)
{
    (void)state;
    const char *sheet =
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c>"
        "<c r=\"D1\" t=\"inlineStr\"><is><t>级别</t></is></c><c r=\"E1\" t=\"inlineStr\"><is><t>日</t></is></c></row>"
        "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c><c r=\"B2\" s=\"1\"><v>46204.37847222222</v></c>"
        "<c r=\"C2\" t=\"s\"><v>4</v></c><c r=\"D2\"><v>3</v></c><c r=\"E2\" s=\"2\"><v>61</v></c></row>"
        "<row r=\"3\"><c r=\"A3\" s=\"1\"/><c r=\"B3\" s=\"1\"><v>46204.5</v></c><c r=\"C3\" t=\"b\"><v>1</v></c>"
        "<c r=\"D3\" t=\"str\"><f>1+1</f><v>2</v></c></row>"
        "<row r=\"4\"/>"
        "<row r=\"5\"><c r=\"C5\" t=\"s\"><v>5</v></c><c r=\"E5\" s=\"2\"><v>60</v></c></row>"
        "<row r=\"6\"><c r=\"B6\"><v>0.42</v></c></row>"
        "</sheetData><mergeCells count=\"2\"><mergeCell ref=\"A2:A5\"/><mergeCell ref=\"D3:E3\"/></mergeCells></worksheet>";
    char *path = make_xlsx(sheet, true);
    rows r;
    buf_init(&r.text, 0);
    capture c;
    capture_begin(&c);
    assert_int_equal(xlsx_read(path, "台账", collect, &r, &c.d), OR_OK);
    assert_string_equal(buf_cstr(&r.text), "1:系统|时间|结果|级别|日\n"
                                           "2:门户网站|2026-07-01 09:05| 正常 |3|1900-03-01\n"
                                           "3:门户网站|2026-07-01 12:00|TRUE|2|2\n"
                                           "4:门户网站\n"   /* an empty row inside the merged A2:A5 */
                                           "5:门户网站||a\rb||1900-02-29\n"
                                           "6:|0.42\n");
    buf_reset(&r.text);
    assert_int_equal(xlsx_read(path, NULL, collect, &r, &c.d), OR_OK);   /* the first sheet in the workbook */
    assert_string_equal(buf_cstr(&r.text), "1:说明页\n");
    assert_int_equal(xlsx_read(path, "无此表", collect, &r, &c.d), OR_EINPUT);
    assert_non_null(strstr(capture_text(&c), "no sheet named \"无此表\" (expected one of \"说明\", \"台账\")"));
    unlink(path);
    free(path);

    /* A shared string index past the table, and a missing workbook. */
    path = make_xlsx("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99</v></c></row></sheetData></worksheet>", true);
    assert_int_equal(xlsx_read(path, "台账", collect, &r, &c.d), OR_EINPUT);
    assert_non_null(strstr(capture_text(&c), ":1: error: cell A1: shared string 99 does not exist (expected 0..5)"));
    unlink(path);
    free(path);
    path = make_xlsx("<worksheet/>", false);
    assert_int_equal(xlsx_read(path, NULL, collect, &r, &c.d), OR_EINPUT);
    assert_non_null(strstr(capture_text(&c), "has no xl/workbook.xml"));
    unlink(path);
    free(path);
    path = make_xlsx("<!DOCTYPE worksheet [<!ENTITY a \"aaaa\">]><worksheet><sheetData/></worksheet>", true);
    assert_int_equal(xlsx_read(path, "台账", collect, &r, &c.d), OR_EINPUT);
    assert_non_null(strstr(capture_text(&c), "has a DOCTYPE"));
    unlink(path);
    free(path);
    capture_end(&c);
    buf_free(&r.text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(column_names),
        cmocka_unit_test(detects_encodings),
        cmocka_unit_test(reads_rfc4180_utf8_bom_crlf),
        cmocka_unit_test(reads_gbk_and_gb18030),
        cmocka_unit_test(refuses_bad_csv),
        cmocka_unit_test(date_formats),
        cmocka_unit_test(serials_and_formats),
        cmocka_unit_test(reads_xlsx_cells),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
