/* Tests for the template engine (src/template.c) and its XPath functions
 * (src/template_funcs.c, src/money.c).  Every expected output below was
 * worked out by hand; the RMB vectors come from the shared TSV (copied to
 * tests/data/template/).  Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "alloc.h"
#include "buf.h"
#include "calendar.h"
#include "doc.h"
#include "money.h"
#include "template.h"
#include "test_util.h"

#define FIXTURE(name) "tests/data/template/" name
#define NS " xmlns:t=\"urn:opsreport:template\" xmlns:f=\"urn:opsreport:functions\""

/* ---------------------------------------------------------------------- */
/* Harness                                                                 */



static char tmpdir[64];
static calendar *shipped;

static const char *tmp_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(tmp_path(name), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static xmlDocPtr parse_data(const char *xml)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "data.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    return doc;
}

/* The output as compact XML (no declaration, no indentation). */
static char *serialize(xmlNodePtr n)
{
    xmlBufferPtr b = xmlBufferCreate();
    assert_non_null(b);
    xmlNodeDump(b, n->doc, n, 0, 0);
    char *s = strdup((const char *)xmlBufferContent(b));
    xmlBufferFree(b);
    return s;
}

typedef struct result {
    or_status st;
    char *xml;      /* serialized output, or NULL */
    capture cap;
} result;

/* Loads `path`, expands it against `data` and serializes the result. */
static void run_path(result *r, const char *path, const char *data, const template_param *p, size_t np)
{
    capture_begin(&r->cap);
    r->xml = NULL;
    template *t = NULL;
    r->st = template_load(&t, path, &r->cap.d);
    if (r->st != OR_OK)
        return;
    xmlDocPtr in = parse_data(data ? data : "<data/>");
    xmlDocPtr out = NULL;
    r->st = template_expand(t, in, p, np, shipped, &out, &r->cap.d);
    if (r->st == OR_OK) {
        assert_non_null(out);
        r->xml = serialize(xmlDocGetRootElement(out));
    } else {
        assert_null(out);
    }
    xmlFreeDoc(out);
    xmlFreeDoc(in);
    template_free(t);
}

static void run_text(result *r, const char *tmpl, const char *data)
{
    write_file("t.xml", tmpl);
    run_path(r, tmp_path("t.xml"), data, NULL, 0);
}

static void result_end(result *r)
{
    free(r->xml);
    capture_end(&r->cap);
}

/* Expands `tmpl` and compares the whole output. */
static void expect_xml(const char *tmpl, const char *data, const char *want)
{
    result r;
    run_text(&r, tmpl, data);
    if (r.st != OR_OK)
        fail_msg("expansion failed (%d):\n%s", r.st, capture_text(&r.cap));
    assert_string_equal(r.xml, want);
    result_end(&r);
}

/* Expects a load or expansion error naming "t.xml:LINE: error: " and
 * containing each of the fragments. */
static void expect_error(const char *tmpl, const char *data, int line, const char *frag1, const char *frag2)
{
    result r;
    run_text(&r, tmpl, data);
    if (r.st != OR_EINPUT)
        fail_msg("expected OR_EINPUT, got %d; output %s; messages:\n%s", r.st, r.xml ? r.xml : "(none)",
                 capture_text(&r.cap));
    assert_null(r.xml);
    char where[64];
    snprintf(where, sizeof where, "t.xml:%d: error: ", line);
    assert_contains(capture_text(&r.cap), where);
    if (frag1)
        assert_contains(capture_text(&r.cap), frag1);
    if (frag2)
        assert_contains(capture_text(&r.cap), frag2);
    result_end(&r);
}

/* One expression's string value (the template's line 1). */
static const char *FX_DATA = "<data><n v='3'/><n v='12'/><n v=''/><n v='7.5'/><s>甲</s><s></s><s>乙</s></data>";

static char *fx(const char *expr)
{
    char tmpl[2048];
    snprintf(tmpl, sizeof tmpl, "<r" NS "><t:value-of select=\"%s\"/></r>", expr);
    result r;
    run_text(&r, tmpl, FX_DATA);
    if (r.st != OR_OK)
        fail_msg("%s failed:\n%s", expr, capture_text(&r.cap));
    /* strip <r> and </r> */
    size_t n = strlen(r.xml);
    char *s;
    if (strcmp(r.xml, "<r/>") == 0) {
        s = strdup("");
    } else {
        assert_true(n >= 7);
        s = strndup(r.xml + 3, n - 7);
    }
    result_end(&r);
    return s;
}

#define assert_fx(expr, want)                                                              \
    do {                                                                                   \
        char *got_ = fx(expr);                                                             \
        if (strcmp(got_, (want)) != 0)                                                     \
            fail_msg("%s gave \"%s\", expected \"%s\"", (expr), got_, (want));             \
        free(got_);                                                                        \
    } while (0)

/* The expression must fail with a message holding `frag` and the expression. */
static void assert_fx_error(const char *expr, const char *frag)
{
    char tmpl[2048];
    snprintf(tmpl, sizeof tmpl, "<r" NS "><t:value-of select=\"%s\"/></r>", expr);
    char quoted[2100];
    snprintf(quoted, sizeof quoted, "(expression '%s')", expr);
    /* the messages show the expression as parsed: &apos; and &lt; decoded */
    expect_error(tmpl, FX_DATA, 1, frag, strstr(expr, "&") ? NULL : quoted);
}

/* ---------------------------------------------------------------------- */
/* Constructs                                                              */

static void test_literal_and_text(void **state)
{
    (void)state;
    expect_xml("<document" NS ">\n  <p align=\"center\">标题 <b>一</b></p>\n  <!-- dropped -->\n  <spacer height=\"5mm\"/>\n</document>",
               NULL, "<document><p align=\"center\">标题 <b>一</b></p><spacer height=\"5mm\"/></document>");
    /* t:text keeps whitespace; whitespace-only text between instructions goes */
    expect_xml("<d" NS "><p>  <t:text>  a  </t:text>  <t:value-of select=\"'b'\"/>  </p><t:text></t:text></d>", NULL,
               "<d><p>  a  b</p></d>");
    /* other text is copied as is, entities decoded */
    expect_xml("<d" NS "><p>x &lt; y &amp; <![CDATA[<z>]]></p></d>", NULL, "<d><p>x &lt; y &amp; &lt;z&gt;</p></d>");
}

static void test_value_of(void **state)
{
    (void)state;
    const char *data = "<data><a x='1'>one</a><a x='2'>two</a><n>2.50</n></data>";
    expect_xml("<d" NS "><p><t:value-of select=\"/data/a\"/>|<t:value-of select=\"count(//a)\"/>|"
               "<t:value-of select=\"/data/n * 2\"/>|<t:value-of select=\"1 div 3\"/>|<t:value-of select=\"//a/@x = 2\"/>|"
               "<t:value-of select=\"/data/missing\"/>|</p></d>",
               data, "<d><p>one|2|5|0.333333333333333|true||</p></d>");
}

static void test_avt(void **state)
{
    (void)state;
    const char *data = "<data><w v='30'/></data>";
    expect_xml("<d" NS "><sign label=\"{{literal}} {/data/w/@v}mm\" width=\"{/data/w/@v * 2}{'mm'}\" "
               "x=\"{concat('{', '}')}\" plain=\"a}}b{{c\" e=\"\"/></d>",
               data, "<d><sign label=\"{literal} 30mm\" width=\"60mm\" x=\"{}\" plain=\"a}b{c\" e=\"\"/></d>");
    /* footer fields of the layout need doubled braces */
    expect_xml("<d" NS "><footer center=\"第 {{page}} 页 共 {{pages}} 页\"/></d>", NULL,
               "<d><footer center=\"第 {page} 页 共 {pages} 页\"/></d>");
}

static void test_for_each_position(void **state)
{
    (void)state;
    const char *data = "<data><i n='a'/><i n='b'/><i n='c'/></data>";
    expect_xml("<d" NS "><t:for-each select=\"/data/i\"><p>{position()}/{last()}</p></t:for-each></d>", data,
               "<d><p>{position()}/{last()}</p><p>{position()}/{last()}</p><p>{position()}/{last()}</p></d>");
    expect_xml("<d" NS "><t:for-each select=\"/data/i\"><p n=\"{@n}\"><t:value-of select=\"position()\"/>/<t:value-of select=\"last()\"/></p></t:for-each></d>",
               data, "<d><p n=\"a\">1/3</p><p n=\"b\">2/3</p><p n=\"c\">3/3</p></d>");
    /* nested loops: the inner context is the inner item; current() in a
     * predicate is the loop item */
    const char *join = "<data><sys id='vr' name='VR实景'/><sys id='web' name='门户'/>"
                       "<inc sys='web' id='1'/><inc sys='vr' id='2'/><inc sys='web' id='3'/></data>";
    expect_xml("<d" NS "><t:for-each select=\"/data/inc\"><p><t:value-of select=\"@id\"/>:"
               "<t:value-of select=\"/data/sys[@id = current()/@sys]/@name\"/></p></t:for-each></d>",
               join, "<d><p>1:门户</p><p>2:VR实景</p><p>3:门户</p></d>");
    /* empty node-set: nothing */
    expect_xml("<d" NS "><t:for-each select=\"/data/none\"><p/></t:for-each></d>", data, "<d/>");
}

static void test_sort(void **state)
{
    (void)state;
    const char *data = "<data><i k='b' n='10' g='2'/><i k='a' n='9' g='1'/><i k='c' n='100' g='2'/>"
                       "<i k='a' n='x' g='1'/><i k='b' n='-1' g='1'/></data>";
#define SORTED(keys) "<d" NS "><t:for-each select=\"/data/i\">" keys "<t:value-of select=\"concat(@k, @n, ' ')\"/></t:for-each></d>"
    /* text ascending (code point order), stable for equal keys */
    expect_xml(SORTED("<t:sort select=\"@k\"/>"), data, "<d>a9 ax b10 b-1 c100 </d>");
    expect_xml(SORTED("<t:sort select=\"@k\" order=\"descending\"/>"), data, "<d>c100 b10 b-1 a9 ax </d>");
    /* as text, "10" < "100" < "9" */
    expect_xml(SORTED("<t:sort select=\"@n\"/>"), data, "<d>b-1 b10 c100 a9 ax </d>");
    /* as numbers; NaN ('x') first ascending, last descending */
    expect_xml(SORTED("<t:sort select=\"@n\" data-type=\"number\"/>"), data, "<d>ax b-1 a9 b10 c100 </d>");
    expect_xml(SORTED("<t:sort select=\"@n\" data-type=\"number\" order=\"descending\"/>"), data,
               "<d>c100 b10 a9 b-1 ax </d>");
    /* two keys: group descending, then number ascending */
    expect_xml(SORTED("<t:sort select=\"@g\" data-type=\"number\" order=\"descending\"/>\n  <t:sort select=\"@n\" data-type=\"number\"/>"),
               data, "<d>b10 c100 ax b-1 a9 </d>");
    /* position() follows the sorted order */
    expect_xml("<d" NS "><t:for-each select=\"/data/i\"><t:sort select=\"@n\" data-type=\"number\" order=\"descending\"/>"
               "<t:if test=\"position() = 1\"><t:value-of select=\"@k\"/></t:if></t:for-each></d>",
               data, "<d>c</d>");
#undef SORTED
}

static void test_if_choose(void **state)
{
    (void)state;
    const char *data = "<data><i l='1'/><i l='2'/><i l='3'/><i l='9'/></data>";
    expect_xml("<d" NS "><t:for-each select=\"/data/i\"><t:choose>"
               "<t:when test=\"@l = 1\">一级</t:when>\n<t:when test=\"@l &lt;= 2\">二级</t:when>"
               "<t:when test=\"@l = 3\">三级</t:when><t:otherwise>其他</t:otherwise></t:choose>,</t:for-each></d>",
               data, "<d>一级,二级,三级,其他,</d>");
    expect_xml("<d" NS "><t:for-each select=\"/data/i\"><t:choose><t:when test=\"@l = 1\">一</t:when></t:choose></t:for-each></d>",
               data, "<d>一</d>");
    expect_xml("<d" NS "><t:if test=\"count(/data/i) = 4\"><p>四</p></t:if><t:if test=\"/data/nothing\"><p>no</p></t:if></d>",
               data, "<d><p>四</p></d>");
}

static void test_variables(void **state)
{
    (void)state;
    const char *data = "<data><i v='1'/><i v='2'/></data>";
    /* select form (node-set and number), content form (a string) */
    expect_xml("<d" NS "><t:variable name=\"items\" select=\"/data/i\"/><t:variable name=\"n\" select=\"count($items)\"/>"
               "<t:variable name=\"label\">共<t:value-of select=\"$n\"/>项</t:variable>"
               "<p x=\"{$label}\"><t:value-of select=\"sum($items/@v)\"/></p></d>",
               data, "<d><p x=\"共2项\">3</p></d>");
    /* per-iteration values; an inner variable shadows an outer one and ends
     * with its sequence */
    expect_xml("<d" NS "><t:variable name=\"x\" select=\"'outer'\"/><t:for-each select=\"/data/i\">"
               "<t:variable name=\"x\" select=\"concat('in', @v)\"/><t:value-of select=\"$x\"/>,</t:for-each>"
               "<t:value-of select=\"$x\"/></d>",
               data, "<d>in1,in2,outer</d>");
    /* a variable is visible in its following siblings' descendants */
    expect_xml("<d" NS "><t:variable name=\"a\" select=\"5\"/><p><b><t:value-of select=\"$a * 2\"/></b></p></d>", NULL,
               "<d><p><b>10</b></p></d>");
    /* ...but not before it, and not outside its parent */
    expect_error("<d" NS ">\n<p><t:value-of select=\"$later\"/></p>\n<t:variable name=\"later\" select=\"1\"/>\n</d>", NULL, 2,
                 "unknown variable $later", "(expression '$later')");
    expect_error("<d" NS ">\n<p><t:variable name=\"inner\" select=\"1\"/></p>\n<p><t:value-of select=\"$inner + 1\"/></p>\n</d>",
                 NULL, 3, "unknown variable $inner", "(expression '$inner + 1')");
    /* a variable with neither select nor content is the empty string */
    expect_xml("<d" NS "><t:variable name=\"e\"/><p>[<t:value-of select=\"$e\"/>]<t:value-of select=\"string-length($e)\"/></p></d>",
               NULL, "<d><p>[]0</p></d>");
}

static void test_params(void **state)
{
    (void)state;
    const char *tmpl = "<document" NS " title=\"{f:month-cn($period)}运维报告\">\n"
                       "  <t:param name=\"period\" select=\"'2026-06'\"/>\n"
                       "  <t:param name=\"today\"/>\n"
                       "  <t:param name=\"label\" select=\"concat('截至', f:date-cn($today))\"/>\n"
                       "  <p><t:value-of select=\"$label\"/></p>\n</document>";
    write_file("t.xml", tmpl);
    result r;
    template_param p[] = {{"period", "2026-07"}, {"today", "2026-07-01"}, {"unused", "ignored"}};
    run_path(&r, tmp_path("t.xml"), NULL, p, 3);
    assert_int_equal(r.st, OR_OK);
    assert_string_equal(r.xml, "<document title=\"2026年7月运维报告\"><p>截至2026年7月1日</p></document>");
    result_end(&r);
    /* defaults when not given */
    template_param q[] = {{"today", "2026-06-30"}};
    run_path(&r, tmp_path("t.xml"), NULL, q, 1);
    assert_int_equal(r.st, OR_OK);
    assert_string_equal(r.xml, "<document title=\"2026年6月运维报告\"><p>截至2026年6月30日</p></document>");
    result_end(&r);
}

static void test_attribute_instruction(void **state)
{
    (void)state;
    const char *data = "<data><i ok='true'/><i ok='false'/></data>";
    expect_xml("<d" NS "><t:for-each select=\"/data/i\"><check><t:attribute name=\"checked\" select=\"@ok = 'true'\"/>"
               "<t:if test=\"@ok = 'false'\"><t:attribute name=\"note\">未通过<t:value-of select=\"position()\"/></t:attribute></t:if>"
               "项</check></t:for-each></d>",
               data, "<d><check checked=\"true\">项</check><check checked=\"false\" note=\"未通过2\">项</check></d>");
    /* overrides a literal attribute */
    expect_xml("<d" NS "><p align=\"left\"><t:attribute name=\"align\" select=\"'center'\"/>x</p></d>", NULL,
               "<d><p align=\"center\">x</p></d>");
    expect_error("<d" NS ">\n<p>text\n<t:attribute name=\"align\" select=\"'left'\"/></p></d>", NULL, 3,
                 "t:attribute 'align' after content of <p>", "(expression ''left'')");
}

static void test_copy_of(void **state)
{
    (void)state;
    const char *data = "<data><note><p>保留<b>格式</b></p><p>二</p></note><v a='1'/></data>";
    expect_xml("<d" NS "><t:copy-of select=\"/data/note/p\"/><p><t:copy-of select=\"/data/v/@a\"/><t:copy-of select=\"1 + 1\"/></p></d>",
               data, "<d><p>保留<b>格式</b></p><p>二</p><p a=\"1\">2</p></d>");
}

static void test_includes(void **state)
{
    (void)state;
    result r;
    run_path(&r, FIXTURE("include-main.xml"), "<data><sys id='vr' owner='李浩'/><sys id='web' owner='孙越'/></data>", NULL, 0);
    if (r.st != OR_OK)
        fail_msg("%s", capture_text(&r.cap));
    assert_string_equal(r.xml, "<document>"
                               "<cover><title>运维工作月度总结报告（2026年7月）</title><subtitle>副标题：运维工作月度总结报告（2026年7月）</subtitle></cover>"
                               "<signature align=\"vr\"><sign label=\"巡检人\">李浩</sign><sign label=\"审核人\"/></signature>"
                               "<signature align=\"web\"><sign label=\"巡检人\">孙越</sign><sign label=\"审核人\"/></signature>"
                               "<cover><title>（无标题）</title><subtitle>副标题：（无标题）</subtitle></cover>"
                               "</document>");
    result_end(&r);
}

static void test_include_errors(void **state)
{
    (void)state;
    result r;
    run_path(&r, FIXTURE("errors/missing-include.xml"), NULL, NULL, 0);
    assert_int_equal(r.st, OR_EINPUT);
    assert_contains(capture_text(&r.cap), "tests/data/template/errors/missing-include.xml:4: error: cannot read the included template "
                                          "tests/data/template/errors/parts/no-such-part.xml");
    assert_contains(capture_text(&r.cap), "(href 'parts/no-such-part.xml')");
    result_end(&r);

    run_path(&r, FIXTURE("errors/cycle-a.xml"), NULL, NULL, 0);
    assert_int_equal(r.st, OR_EINPUT);
    assert_contains(capture_text(&r.cap), "tests/data/template/errors/cycle-b.xml:4: error: include cycle: "
                                          "tests/data/template/errors/cycle-a.xml -> tests/data/template/errors/cycle-b.xml -> "
                                          "tests/data/template/errors/cycle-a.xml (href 'cycle-a.xml')");
    result_end(&r);

    run_path(&r, FIXTURE("errors/unknown-with-param.xml"), NULL, NULL, 0);
    assert_int_equal(r.st, OR_EINPUT);
    assert_contains(capture_text(&r.cap), "unknown-with-param.xml:4: error: t:with-param 'titel': "
                                          "tests/data/template/errors/../parts/cover.xml declares no t:param of that name");
    result_end(&r);

    /* depth: main → p1 → … → p16 works, one more level fails */
    char name[32], text[512];
    for (int i = 1; i <= 17; i++) {
        snprintf(name, sizeof name, "p%d.xml", i);
        if (i < 17)
            snprintf(text, sizeof text, "<t:part" NS "><t:include href=\"p%d.xml\"/></t:part>", i + 1);
        else
            snprintf(text, sizeof text, "<t:part" NS "><p>deep</p></t:part>");
        write_file(name, text);
    }
    write_file("deep.xml", "<d" NS "><t:include href=\"p2.xml\"/></d>");   /* 16 levels */
    run_path(&r, tmp_path("deep.xml"), NULL, NULL, 0);
    if (r.st != OR_OK)
        fail_msg("%s", capture_text(&r.cap));
    assert_string_equal(r.xml, "<d><p>deep</p></d>");
    result_end(&r);
    write_file("deep.xml", "<d" NS "><t:include href=\"p1.xml\"/></d>");   /* 17 levels */
    run_path(&r, tmp_path("deep.xml"), NULL, NULL, 0);
    assert_int_equal(r.st, OR_EINPUT);
    assert_contains(capture_text(&r.cap), "p16.xml:1: error: includes nested more than 16 deep (href 'p17.xml')");
    result_end(&r);
}

static void test_load_errors(void **state)
{
    (void)state;
    /* malformed XML */
    expect_error("<d" NS ">\n<p>\n</d>", NULL, 3, "malformed template XML", NULL);
    /* DOCTYPE */
    expect_error("<!DOCTYPE d [<!ENTITY x 'y'>]>\n<d/>", NULL, 1, "DOCTYPE", NULL);
    /* unknown instruction, unknown and missing attributes */
    expect_error("<d" NS ">\n\n<t:foreach select=\"x\"/></d>", NULL, 3, "unknown instruction <t:foreach>", NULL);
    expect_error("<d" NS ">\n<t:for-each select=\"x\" sort=\"y\"/></d>", NULL, 2, "unknown attribute 'sort' on <t:for-each>",
                 "(expected select)");
    expect_error("<d" NS ">\n<t:if/></d>", NULL, 2, "<t:if> needs the attribute 'test'", NULL);
    expect_error("<d" NS ">\n<p t:test=\"1\"/></d>", NULL, 2, "attribute 't:test' on a literal element", NULL);
    expect_error("<d" NS ">\n<t:for-each select=\"x\"><p/><t:sort select=\"@a\"/></t:for-each></d>", NULL, 2,
                 "<t:sort> belongs at the start of <t:for-each>", NULL);
    expect_error("<d" NS ">\n<t:for-each select=\"x\"><t:sort select=\"@a\" order=\"up\"/></t:for-each></d>", NULL, 2,
                 "order=\"up\"", NULL);
    expect_error("<d" NS ">\n<t:choose><p/></t:choose></d>", NULL, 2, "<t:choose> holds <t:when>", NULL);
    expect_error("<d" NS ">\n<t:value-of select=\"1\">x</t:value-of></d>", NULL, 2, "<t:value-of> takes no content", NULL);
    expect_error("<d" NS ">\n<t:variable name=\"v\" select=\"1\">x</t:variable></d>", NULL, 2, "both a select attribute and content",
                 NULL);
    expect_error("<d" NS ">\n<p/>\n<t:param name=\"late\"/></d>", NULL, 3, "<t:param> belongs at the start", NULL);
    expect_error("<t:part" NS ">\n<p/></t:part>", NULL, 1, "a <t:part> is included by other templates", NULL);
    expect_error("<d" NS ">\n<x:p xmlns:x=\"urn:other\"/></d>", NULL, 2, "in namespace 'urn:other'", NULL);
    /* XPath: syntax, unknown function, arity, variable, prefix */
    expect_error("<d" NS ">\n<p>\n<t:value-of select=\"count(/data/i\"/></p></d>", NULL, 3, "XPath syntax error: invalid expression at character 13",
                 "(expression 'count(/data/i')");
    expect_error("<d" NS ">\n<t:if test=\"1 +\"/></d>", NULL, 2, "XPath syntax error", "(expression '1 +')");
    expect_error("<d" NS ">\n<t:value-of select=\"f:monye(1)\"/></d>", NULL, 2, "unknown function f:monye()",
                 "(expression 'f:monye(1)')");
    expect_error("<d" NS ">\n<t:value-of select=\"string-join(1)\"/></d>", NULL, 2, "unknown function string-join()", NULL);
    expect_error("<d" NS ">\n<t:value-of select=\"f:money(1, 2)\"/></d>", NULL, 2, "f:money() takes 1 argument, not 2",
                 "(expression 'f:money(1, 2)')");
    expect_error("<d" NS ">\n<t:value-of select=\"f:percent()\"/></d>", NULL, 2, "f:percent() takes 1 to 2 arguments, not 0", NULL);
    expect_error("<d" NS ">\n<t:value-of select=\"g:x(1)\"/></d>", NULL, 2, "undeclared namespace prefix 'g'",
                 "(expression 'g:x(1)')");
    expect_error("<d" NS ">\n<t:value-of select=\"concat($a, 'x')\"/></d>", NULL, 2, "unknown variable $a",
                 "(expression 'concat($a, 'x')')");
    /* operators are not mistaken for functions, strings are not scanned */
    expect_xml("<d" NS "><t:value-of select=\"(1) and (2) or not(0) and ('$x' = 'f:nope(')\"/>"
               "<t:value-of select=\"6 div (3) * 2 mod (5)\"/></d>", NULL, "<d>true4</d>");
    /* attribute value templates */
    expect_error("<d" NS ">\n<p a=\"{count(\"/></d>", NULL, 2, "'{' without its '}'", NULL);
    expect_error("<d" NS ">\n<p a=\"x}\"/></d>", NULL, 2, "a lone '}'", NULL);
    expect_error("<d" NS ">\n<p a=\"{f:nope()}\"/></d>", NULL, 2, "unknown function f:nope()", "(expression 'f:nope()')");
    /* several errors are all reported */
    result r;
    run_text(&r, "<d" NS ">\n<t:value-of select=\"$a\"/>\n<t:value-of select=\"$b\"/>\n</d>", NULL);
    assert_int_equal(r.st, OR_EINPUT);
    assert_contains(capture_text(&r.cap), "t.xml:2: error: unknown variable $a");
    assert_contains(capture_text(&r.cap), "t.xml:3: error: unknown variable $b");
    result_end(&r);
    /* missing template file */
    capture c;
    capture_begin(&c);
    template *t = NULL;
    assert_int_equal(template_load(&t, FIXTURE("no-such-template.xml"), &c.d), OR_EINPUT);
    assert_null(t);
    assert_contains(capture_text(&c), "tests/data/template/no-such-template.xml: error: cannot read the template: No such file");
    capture_end(&c);
}

static void test_runtime_errors(void **state)
{
    (void)state;
    const char *data = "<data><i d='2026-13-01'/></data>";
    expect_error("<d" NS ">\n<t:for-each select=\"count(/data/i)\"/></d>", data, 2,
                 "t:for-each select gives a number, not a node-set", "(expression 'count(/data/i)')");
    expect_error("<d" NS ">\n<t:for-each select=\"/data/i\">\n<p><t:value-of select=\"f:date-cn(@d)\"/></p></t:for-each></d>", data,
                 3, "f:date-cn: '2026-13-01' is not a date", "(expression 'f:date-cn(@d)')");
    /* libxml2's own runtime errors go through diag too */
    expect_error("<d" NS ">\n<t:value-of select=\"/data/i | 'x'\"/></d>", data, 2, "XPath error: invalid type",
                 "(expression '/data/i | 'x'')");
    expect_error("<d" NS ">\n<t:for-each select=\"/data/i\">\n<t:sort select=\"f:duration(-1)\"/></t:for-each></d>", data, 3,
                 "f:duration: '-1'", "(expression 'f:duration(-1)')");
    expect_error("<d" NS " a=\"{f:money('x')}\">\n</d>", NULL, 1, "f:money: 'x' is not an amount", NULL);
    expect_error("<d" NS ">\n<t:variable name=\"v\">\n<p a=\"{f:pad(1, 0)}\"/></t:variable></d>", NULL, 3, "f:pad: width '0'", NULL);
    expect_error("<d" NS ">\n<t:variable name=\"v\"><t:attribute name=\"a\" select=\"1\"/></t:variable></d>", NULL, 2,
                 "inside a variable's content", NULL);
}

/* ---------------------------------------------------------------------- */
/* Functions                                                               */

static void test_fn_dates(void **state)
{
    (void)state;
    assert_fx("f:date-cn('2026-07-01')", "2026年7月1日");
    assert_fx("f:date-cn('2026-12-31T23:59')", "2026年12月31日");
    assert_fx("f:date-cn('2026-06-30T20:00Z')", "2026年7月1日");   /* 20:00 UTC is 04:00 Beijing */
    assert_fx("f:date-cn('')", "");
    assert_fx("f:month-cn('2026-07')", "2026年7月");
    assert_fx("f:month-cn('2027-01-31')", "2027年1月");
    assert_fx("f:date-range-cn('2026-06-01', '2026-06-30')", "2026年6月1日—6月30日");
    assert_fx("f:date-range-cn('2026-12-28', '2027-01-03')", "2026年12月28日—2027年1月3日");
    assert_fx("f:date-range-cn('2026-06-09', '2026-06-09')", "2026年6月9日");
    assert_fx("f:time-cn('2026-07-01T09:05')", "2026年7月1日 09:05");
    assert_fx("f:time-cn('2026-07-01T09:05:59')", "2026年7月1日 09:05");
    assert_fx("f:time-hm('2026-07-01T15:40')", "15:40");
    assert_fx("f:weekday-cn('2026-07-01')", "星期三");
    assert_fx("f:weekday-cn('2026-07-05', 'short')", "周日");
    assert_fx("f:weekday-cn('2026-06-09T09:00')", "星期二");
    assert_fx("f:week-label('2026-W24')", "2026年第24周（6月8日—6月14日）");
    assert_fx("f:week-label('2026-W27')", "2026年第27周（6月29日—7月5日）");
    assert_fx("f:week-label('2026-W53')", "2026年第53周（12月28日—2027年1月3日）");
    assert_fx("f:week-label('2026-W01')", "2026年第1周（2025年12月29日—2026年1月4日）");
    assert_fx("f:week-label('2027-01-02')", "2026年第53周（12月28日—2027年1月3日）");
    assert_fx_error("f:week-label('2025-W53')", "f:week-label: '2025-W53' is not an ISO week");
    assert_fx_error("f:date-cn('2026-02-29')", "f:date-cn: '2026-02-29' is not a date");
    assert_fx_error("f:date-cn('2026/7/1')", "is not a date (expected YYYY-MM-DD)");
    assert_fx_error("f:month-cn('2026-13')", "f:month-cn: '2026-13' is not a month");
    assert_fx_error("f:date-range-cn('2026-07-02', '2026-07-01')", "the range ends (2026-07-01) before it starts (2026-07-02)");
    assert_fx_error("f:time-cn('2026-07-01')", "f:time-cn: '2026-07-01' is not a date and time");
    assert_fx_error("f:weekday-cn('2026-07-01', 'medium')", "form 'medium'");
}

static void test_fn_workdays(void **state)
{
    (void)state;
    /* 2026 National Day: 10-01…10-07 off, Sat 10-10 a make-up working day
     * (data/holidays/holidays.xml).  Wed 09-30 + 1 working day = Thu 10-08,
     * +2 = Fri 10-09, +3 = the make-up Saturday 10-10, +4 = Mon 10-12. */
    assert_fx("f:workday-add('2026-09-30', 1)", "2026-10-08");
    assert_fx("f:workday-add('2026-09-30', 2)", "2026-10-09");
    assert_fx("f:workday-add('2026-09-30', 3)", "2026-10-10");
    assert_fx("f:workday-add('2026-09-30', 4)", "2026-10-12");
    /* 0: the day itself when it works, else the next working day */
    assert_fx("f:workday-add('2026-10-03', 0)", "2026-10-08");
    assert_fx("f:workday-add('2026-09-30', 0)", "2026-09-30");
    /* backwards: from Mon 10-12, 1 back is Sat 10-10, 3 back is Thu 10-08,
     * 4 back jumps the holiday to Wed 09-30 */
    assert_fx("f:workday-add('2026-10-12', -1)", "2026-10-10");
    assert_fx("f:workday-add('2026-10-12', -4)", "2026-09-30");
    /* composed with a date format: the 3rd working day after 9-30 */
    assert_fx("f:date-cn(f:workday-add('2026-09-30T18:00', 3))", "2026年10月10日");
    assert_fx("f:is-workday('2026-10-10')", "true");
    assert_fx("f:is-workday('2026-10-05')", "false");
    assert_fx_error("f:workday-add('2026-09-30', 1.5)", "is not a whole number of working days");

    /* without a calendar these are errors */
    write_file("t.xml", "<d" NS ">\n<t:value-of select=\"f:workday-add('2026-09-30', 1)\"/></d>");
    capture c;
    capture_begin(&c);
    template *t = NULL;
    assert_int_equal(template_load(&t, tmp_path("t.xml"), &c.d), OR_OK);
    xmlDocPtr data = parse_data("<data/>"), out = NULL;
    assert_int_equal(template_expand(t, data, NULL, 0, NULL, &out, &c.d), OR_EINPUT);
    assert_null(out);
    assert_contains(capture_text(&c), "t.xml:2: error: f:workday-add: no working-day calendar");
    xmlFreeDoc(data);
    template_free(t);
    capture_end(&c);
}

static void test_fn_numbers(void **state)
{
    (void)state;
    /* durations: units that are zero are left out (D.2: never 15:08) */
    assert_fx("f:duration(95)", "1小时35分");
    assert_fx("f:duration(35)", "35分");
    assert_fx("f:duration(0)", "0分");
    assert_fx("f:duration(120)", "2小时");
    assert_fx("f:duration(908)", "15小时8分");
    assert_fx("f:duration(3060)", "2天3小时");
    assert_fx("f:duration(1445)", "1天5分");
    assert_fx("f:duration('2880.0')", "2天");
    assert_fx("f:duration(/data/missing)", "");
    assert_fx_error("f:duration(1.5)", "f:duration: '1.5' is not a whole, non-negative number of minutes");
    assert_fx_error("f:duration('abc')", "f:duration: 'abc'");
    /* percentages are already in percent; half-up on the decimal digits */
    assert_fx("f:percent(99.953, 3)", "99.953%");
    assert_fx("f:percent('99.9535', 3)", "99.954%");
    assert_fx("f:percent('99.9534', 3)", "99.953%");
    assert_fx("f:percent(99.995, 2)", "100.00%");   /* 99.995 as a double is below .995; taken as written */
    assert_fx("f:percent(100)", "100.00%");
    assert_fx("f:percent('0.05', 1)", "0.1%");
    assert_fx("f:percent(12.5, 0)", "13%");
    assert_fx("f:fixed(2.675, 2)", "2.68");          /* binary 2.67499…: the text is rounded, not the double */
    assert_fx("f:fixed(1.005, 2)", "1.01");
    assert_fx("f:fixed(-1.005, 2)", "-1.01");        /* half away from zero */
    assert_fx("f:fixed(-0.004, 2)", "0.00");
    assert_fx("f:fixed(0.1 + 0.2, 17)", "0.30000000000000000");
    assert_fx("f:fixed(9.995, 2)", "10.00");
    assert_fx("f:fixed('1e3', 1)", "1000.0");
    assert_fx("f:fixed(' 7 ', 0)", "7");
    assert_fx("f:fixed(/data/n[4]/@v, 0)", "8");
    assert_fx_error("f:fixed('1,000', 2)", "f:fixed: '1,000' is not a number");
    assert_fx_error("f:fixed(1, 21)", "'21' decimals");
    assert_fx_error("f:percent(1 div 0, 1)", "f:percent: 'Infinity' is not a number");
    /* Chinese numerals for headings */
    assert_fx("f:number-cn(1)", "一");
    assert_fx("f:number-cn(10)", "十");
    assert_fx("f:number-cn(11)", "十一");
    assert_fx("f:number-cn(20)", "二十");
    assert_fx("f:number-cn(105)", "一百零五");
    assert_fx("f:number-cn(110)", "一百一十");
    assert_fx("f:number-cn(1010)", "一千零一十");
    assert_fx("f:number-cn(0)", "零");
    assert_fx("f:number-cn(100000)", "十万");
    assert_fx("f:number-cn(100010000)", "一亿零一万");
    assert_fx("f:number-cn(20000800)", "二千万零八百");
    assert_fx_error("f:number-cn(-1)", "f:number-cn: '-1'");
    assert_fx_error("f:number-cn(2.5)", "f:number-cn: '2.5'");
    /* padding */
    assert_fx("f:pad(7, 3)", "007");
    assert_fx("f:pad(1234, 3)", "1234");
    assert_fx("f:pad(position(), 2)", "01");
    assert_fx_error("f:pad(-7, 3)", "f:pad: '-7'");
    /* node-sets */
    assert_fx("f:join(/data/s, '、')", "甲、乙");
    assert_fx("f:join(/data/none, '、')", "");
    assert_fx("f:max(/data/n/@v)", "12");
    assert_fx("f:min(/data/n/@v)", "3");
    assert_fx("f:max(/data/none)", "NaN");
    assert_fx_error("f:join('a', ',')", "f:join: the first argument must be a node-set");
    /* record text ended without doubling its punctuation */
    assert_fx("f:sentence('解说词内容调整')", "解说词内容调整。");
    assert_fx("f:sentence('解说词内容调整。')", "解说词内容调整。");
    assert_fx("f:sentence('  解说词\n  内容调整。 ')", "解说词 内容调整。");
    assert_fx("f:sentence('是否恢复？')", "是否恢复？");
    assert_fx("f:sentence('已告知“暂停服务。”')", "已告知“暂停服务。”");
    assert_fx("f:sentence('已告知“暂停服务”')", "已告知“暂停服务”。");
    assert_fx("f:sentence('排查防火墙策略；')", "排查防火墙策略。");
    assert_fx("f:sentence('排查防火墙策略，')", "排查防火墙策略。");
    assert_fx("f:sentence('升级 nginx')", "升级 nginx。");
    assert_fx("f:sentence('')", "");
    assert_fx("f:sentence('   ')", "");
    assert_fx("f:sentence('重启服务。', '；')", "重启服务；");
    assert_fx("f:sentence('重启服务', '；')", "重启服务；");
    assert_fx("f:sentence('重启服务、', '；')", "重启服务；");
    assert_fx("f:sentence('要求重启！', '；')", "要求重启！；");
    assert_fx("f:sentence('重启服务。', '')", "重启服务");
    assert_fx("f:sentence(/data/s[1])", "甲。");
}

/* f:record finds a record by element name and id among every kind under
 * /data/records, gives an empty node-set for an unknown id, a name of
 * another kind, or a data document without records. */
static void test_fn_record(void **state)
{
    (void)state;
    const char *data = "<data><records><incidents><incident id=\"A\"><title>甲</title></incident>"
                       "<incident id=\"B\"><title>乙</title></incident></incidents>"
                       "<incidents><incident id=\"C\"><title>丙</title></incident></incidents>"
                       "<tasks><task id=\"A\">任务</task></tasks></records></data>";
    expect_xml("<r" NS "><t:for-each select=\"/data/records/*/*\"><x id=\"{@id}\">"
               "<t:value-of select=\"f:record('incident', current()/@id)/title\"/></x></t:for-each>"
               "<y><t:value-of select=\"count(f:record('incident', 'Z'))\"/>"
               "<t:value-of select=\"count(f:record('finding', 'A'))\"/>"
               "<t:value-of select=\"f:record('task', 'A')\"/></y></r>",
               data, "<r><x id=\"A\">甲</x><x id=\"B\">乙</x><x id=\"C\">丙</x><x id=\"A\">甲</x><y>00任务</y></r>");
    expect_xml("<r" NS "><t:value-of select=\"count(f:record('incident', 'A'))\"/></r>", "<data/>", "<r>0</r>");
}

static void test_fn_money(void **state)
{
    (void)state;
    /* the contract's three amounts, explicitly */
    assert_fx("f:money-cn('208800.00')", "贰拾万零捌仟捌佰元整");
    assert_fx("f:money-cn('167040.00')", "壹拾陆万柒仟零肆拾元整");
    assert_fx("f:money-cn('41760.00')", "肆万壹仟柒佰陆拾元整");
    assert_fx("f:money('208800.00')", "¥208,800.00");
    assert_fx("f:money('167040.00')", "¥167,040.00");
    assert_fx("f:money('41760.00')", "¥41,760.00");
    /* numbers work too (15 significant digits, then exact) */
    assert_fx("f:money-cn(208800 * 0.8)", "壹拾陆万柒仟零肆拾元整");
    assert_fx("f:money-cn(208800 * 0.2)", "肆万壹仟柒佰陆拾元整");
    assert_fx("f:money(0.1 + 0.2)", "¥0.30");
    assert_fx("f:money(1234567890.12)", "¥1,234,567,890.12");
    assert_fx("f:money('0.05')", "¥0.05");
    assert_fx("f:money('-1000')", "-¥1,000.00");
    assert_fx("f:money('999')", "¥999.00");
    assert_fx("f:money-cn('0')", "零元整");
    assert_fx("f:money-cn('100.000')", "壹佰元整");
    assert_fx("f:money-cn('999999999999.99')", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
    assert_fx("f:money-cn('')", "");
    assert_fx_error("f:money-cn('1000000000000')", "f:money-cn: '1000000000000' is 10^12 yuan or more");
    assert_fx_error("f:money-cn('-5')", "f:money-cn: '-5' is negative");
    assert_fx_error("f:money-cn('1.005')", "f:money-cn: '1.005' is not a whole number of fen");
    assert_fx_error("f:money('12 yuan')", "f:money: '12 yuan' is not an amount");
}

/* Every row of the shared vectors, through the template engine. */
static void test_money_cn_vectors(void **state)
{
    (void)state;
    FILE *f = fopen(FIXTURE("rmb-daxie-examples.tsv"), "r");
    assert_non_null(f);
    char line[1024];
    buf data, want;
    buf_init(&data, 0);
    buf_init(&want, 0);
    buf_puts(&data, "<data>");
    buf_puts(&want, "<d>");
    int rows = 0;
    bool header = true;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (header) {   /* the column names */
            header = false;
            continue;
        }
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        char *house = tab + 1;
        char *end = strchr(house, '\t');
        assert_non_null(end);
        *end = '\0';
        buf_printf(&data, "<v a='%s'/>", line);
        buf_printf(&want, "<r>%s</r>", house);
        /* and straight through the money module */
        money_dec x;
        int64_t fen;
        buf b;
        buf_init(&b, 0);
        assert_true(money_parse(line, &x));
        assert_true(money_to_fen(&x, &fen));
        assert_true(money_fen_capitals(fen, &b));
        if (strcmp(buf_cstr(&b), house) != 0)
            fail_msg("%s: got %s, expected %s", line, buf_cstr(&b), house);
        buf_free(&b);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 26);
    buf_puts(&data, "</data>");
    buf_puts(&want, "</d>");
    expect_xml("<d" NS "><t:for-each select=\"/data/v\"><r><t:value-of select=\"f:money-cn(@a)\"/></r></t:for-each></d>",
               buf_cstr(&data), buf_cstr(&want));
    buf_free(&data);
    buf_free(&want);
}

static void test_money_module(void **state)
{
    (void)state;
    money_dec x, r;
    buf b;
    buf_init(&b, 0);
    assert_true(money_parse("-0.000", &x));
    assert_false(x.neg);
    assert_true(money_parse("1.5e-3", &x));
    assert_true(money_round(&x, 3, &r));
    money_format(&r, false, &b);
    assert_string_equal(buf_cstr(&b), "0.002");
    buf_reset(&b);
    assert_true(money_parse("999.5", &x));
    assert_true(money_round(&x, 0, &r));
    money_format(&r, true, &b);
    assert_string_equal(buf_cstr(&b), "1,000");
    buf_reset(&b);
    assert_true(money_parse(".5", &x));
    assert_true(money_parse("5.", &x));
    assert_false(money_parse(".", &x));
    assert_false(money_parse("", &x));
    assert_false(money_parse("1e", &x));
    assert_false(money_parse("nan", &x));
    assert_false(money_parse("1e999", &x));
    assert_false(money_fen_capitals(-1, &b));
    assert_false(money_fen_capitals(MONEY_CN_LIMIT_FEN, &b));
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

static void test_fn_mask_id(void **state)
{
    (void)state;
    /* GB 11643's sample number (valid check digit) */
    assert_fx("f:mask-id('11010519491231002X')", "110***********002X");
    assert_fx("f:mask-id('13812345678')", "138****5678");
    assert_fx("f:mask-id('1234567')", "*******");
    assert_fx("f:mask-id('张三丰先生电话')", "*******");
    assert_fx("f:mask-id('')", "");
    /* the full number never reaches the output, whichever way it is asked:
     * value-of, an attribute value template, copy-of; mobiles too */
    const char *data = "<data><p id='11010519491231002X' tel='13812345678'/></data>";
    expect_xml("<d" NS "><t:value-of select=\"/data/p/@id\"/></d>", data, "<d>110***********002X</d>");
    expect_xml("<d" NS "><p a=\"身份证{/data/p/@id}\"/></d>", data, "<d><p a=\"身份证110***********002X\"/></d>");
    expect_xml("<d" NS "><p><t:copy-of select=\"/data\"/></p></d>", data,
               "<d><p><data><p id=\"110***********002X\" tel=\"138****5678\"/></data></p></d>");
    /* written by the template itself, full-width and split by a zero-width space */
    expect_xml("<d" NS "><t:value-of select=\"concat('１１０１０５１９', '&#x200B;4912310０２Ｘ')\"/></d>", NULL,
               "<d>110***********002X</d>");
    expect_xml("<d" NS "><p><t:value-of select=\"f:mask-id(/data/p/@id)\"/><t:text> </t:text><t:value-of select=\"/data/p/@tel\"/></p></d>", data,
               "<d><p>110***********002X 138****5678</p></d>");
    /* 18 digits that are not an ID (bad check digit) pass */
    expect_xml("<d" NS "><t:value-of select=\"'110105194912310021'\"/></d>", NULL, "<d>110105194912310021</d>");
}

/* ---------------------------------------------------------------------- */
/* Streaming                                                               */

typedef struct collector {
    char blocks[64][256];
    int n;
    bool ended;
    char root[256];
    int fail_at;   /* emit returns OR_ESYS at this block (1-based), 0 = never */
} collector;

static or_status collect(void *ctx, xmlNodePtr root, xmlNodePtr block)
{
    collector *c = ctx;
    assert_false(c->ended);
    if (!block) {
        c->ended = true;
        assert_null(root->children);
        char *s = serialize(root);
        snprintf(c->root, sizeof c->root, "%s", s);
        free(s);
        return OR_OK;
    }
    assert_ptr_equal(block->parent, root);
    assert_ptr_equal(root->children, block);
    assert_ptr_equal(root->last, block);
    assert_true(c->n < 64);
    char *s = serialize(block);
    snprintf(c->blocks[c->n++], sizeof c->blocks[0], "%s", s);
    free(s);
    if (c->fail_at && c->n == c->fail_at)
        return OR_ESYS;
    return OR_OK;
}

static or_status stream_text(const char *tmpl, const char *data, collector *c, capture *cap)
{
    write_file("s.xml", tmpl);
    template *t = NULL;
    or_status st = template_load(&t, tmp_path("s.xml"), &cap->d);
    if (st != OR_OK)
        return st;
    xmlDocPtr in = parse_data(data);
    st = template_expand_stream(t, in, NULL, 0, shipped, collect, c, &cap->d);
    xmlFreeDoc(in);
    template_free(t);
    return st;
}

static void test_stream(void **state)
{
    (void)state;
    const char *data = "<data><i n='1'/><i n='2'/><i n='3'/></data>";
    const char *tmpl = "<document" NS " title=\"{count(/data/i)}份\">\n"
                       "  <t:attribute name=\"profile\" select=\"'report'\"/>\n"
                       "  <cover><title>T</title></cover>\n"
                       "  <t:for-each select=\"/data/i\"><h1>记录<t:value-of select=\"@n\"/></h1><p>内容</p></t:for-each>\n"
                       "  <t:if test=\"true()\"><p>末</p></t:if>\n"
                       "</document>";
    collector *c = calloc(1, sizeof *c);
    capture cap;
    capture_begin(&cap);
    assert_int_equal(stream_text(tmpl, data, c, &cap), OR_OK);
    assert_int_equal(c->n, 8);
    assert_string_equal(c->blocks[0], "<cover><title>T</title></cover>");
    assert_string_equal(c->blocks[1], "<h1>记录1</h1>");
    assert_string_equal(c->blocks[2], "<p>内容</p>");
    assert_string_equal(c->blocks[5], "<h1>记录3</h1>");
    assert_string_equal(c->blocks[7], "<p>末</p>");
    assert_true(c->ended);
    assert_string_equal(c->root, "<document title=\"3份\" profile=\"report\"/>");
    capture_end(&cap);

    /* the same template, non-streaming, gives the same blocks */
    result r;
    run_text(&r, tmpl, data);
    assert_int_equal(r.st, OR_OK);
    assert_string_equal(r.xml, "<document title=\"3份\" profile=\"report\"><cover><title>T</title></cover>"
                               "<h1>记录1</h1><p>内容</p><h1>记录2</h1><p>内容</p><h1>记录3</h1><p>内容</p><p>末</p></document>");
    result_end(&r);

    /* a root attribute after the first block is an error */
    memset(c, 0, sizeof *c);
    capture_begin(&cap);
    assert_int_equal(stream_text("<document" NS ">\n<p/>\n<t:attribute name=\"title\" select=\"'x'\"/></document>", data, c, &cap),
                     OR_EINPUT);
    assert_contains(capture_text(&cap), "s.xml:3: error: t:attribute 'title' after content of <document>");
    assert_false(c->ended);
    capture_end(&cap);

    /* the consumer stops the expansion */
    memset(c, 0, sizeof *c);
    c->fail_at = 2;
    capture_begin(&cap);
    assert_int_equal(stream_text(tmpl, data, c, &cap), OR_ESYS);
    assert_int_equal(c->n, 2);
    assert_false(c->ended);
    capture_end(&cap);

    /* no blocks at all: still the final call */
    memset(c, 0, sizeof *c);
    capture_begin(&cap);
    assert_int_equal(stream_text("<document" NS "/>", data, c, &cap), OR_OK);
    assert_int_equal(c->n, 0);
    assert_true(c->ended);
    capture_end(&cap);
    free(c);
}

/* ---------------------------------------------------------------------- */
/* A realistic template: valid layout XML, and the speed of 1,000 records   */

static char *inspections_data(int n)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "<data><systems><system id='vr' name='VR实景'/><system id='web' name='门户网站'/></systems>"
                 "<people><person id='lihao' name='李浩'/><person id='hetao' name='何涛'/></people><inspections>");
    for (int i = 0; i < n; i++) {
        int day = i % 28 + 1, month = i / 28 % 12 + 1;
        buf_printf(&b, "<inspection id='P-%04d' kind='%s' system='%s' at='2026-%02d-%02dT09:%02d' inspector='lihao' reviewer='hetao'>",
                   i, i % 3 ? "page" : "server", i % 2 ? "vr" : "web", month, day, i % 60);
        for (int k = 0; k < 8; k++)
            buf_printf(&b, "<check name='检查项%d' result='%s' value='HTTP 200, 0.%d s'/>", k, (i + k) % 17 ? "pass" : "fail", k);
        buf_puts(&b, "</inspection>");
    }
    buf_puts(&b, "</inspections></data>");
    char *s = or_strdup(buf_cstr(&b));
    buf_free(&b);
    return s;
}

static void test_inspection_template(void **state)
{
    (void)state;
    char *xml = inspections_data(6);
    capture c;
    capture_begin(&c);
    template *t = NULL;
    assert_int_equal(template_load(&t, FIXTURE("inspection.xml"), &c.d), OR_OK);
    xmlDocPtr data = parse_data(xml), out = NULL;
    template_param p[] = {{"system", "vr"}};
    assert_int_equal(template_expand(t, data, p, 1, shipped, &out, &c.d), OR_OK);
    if (doc_validate(out, "inspection-output", &c.d) != OR_OK)
        fail_msg("%s", capture_text(&c));
    xmlNodePtr root = xmlDocGetRootElement(out);
    int h1 = 0;
    for (xmlNodePtr n = root->children; n; n = n->next)
        h1 += xmlStrEqual(n->name, BAD_CAST "h1");
    assert_int_equal(h1, 3);   /* the vr ones: i = 1, 3, 5 */
    char *s = serialize(root->children);
    assert_string_equal(s, "<h1 numbered=\"false\" page-break-before=\"false\">VR实景巡检记录</h1>");
    free(s);
    s = serialize(root->children->next);
    assert_string_equal(s, "<form columns=\"2\" label-width=\"22mm\"><field label=\"记录编号\">P-0001</field>"
                           "<field label=\"巡检类型\">页面巡检</field><field label=\"巡检时间\" span=\"2\">2026年1月2日 09:01（星期五）</field></form>");
    free(s);
    xmlFreeDoc(out);
    xmlFreeDoc(data);
    template_free(t);
    capture_end(&c);
    or_free(xml);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static or_status count_blocks(void *ctx, xmlNodePtr root, xmlNodePtr block)
{
    (void)root;
    if (block)
        (*(long *)ctx)++;
    return OR_OK;
}

/* Not a pass/fail test: prints the median time of expanding 1,000
 * inspection records (tree and streaming). */
static void test_speed_1000(void **state)
{
    (void)state;
    char *xml = inspections_data(1000);
    capture c;
    capture_begin(&c);
    template *t = NULL;
    double t0 = now_ms();
    assert_int_equal(template_load(&t, FIXTURE("inspection.xml"), &c.d), OR_OK);
    double load_ms = now_ms() - t0;
    xmlDocPtr data = parse_data(xml);
    enum { RUNS = 7 };
    double tree[RUNS], stream[RUNS];
    for (int i = 0; i < RUNS; i++) {
        xmlDocPtr out = NULL;
        t0 = now_ms();
        assert_int_equal(template_expand(t, data, NULL, 0, shipped, &out, &c.d), OR_OK);
        xmlFreeDoc(out);   /* timed too: streaming frees as it goes */
        tree[i] = now_ms() - t0;
        long blocks = 0;
        t0 = now_ms();
        assert_int_equal(template_expand_stream(t, data, NULL, 0, shipped, count_blocks, &blocks, &c.d), OR_OK);
        stream[i] = now_ms() - t0;
        assert_int_equal(blocks, 5000);
    }
    qsort(tree, RUNS, sizeof tree[0], cmp_double);
    qsort(stream, RUNS, sizeof stream[0], cmp_double);
    print_message("template load %.2f ms; 1,000 inspection records: expand + free %.1f ms, streaming %.1f ms (median of %d)\n",
                  load_ms, tree[RUNS / 2], stream[RUNS / 2], RUNS);
    xmlFreeDoc(data);
    template_free(t);
    capture_end(&c);
    or_free(xml);
}

/* ---------------------------------------------------------------------- */
/* Allocation failures                                                     */

static void test_alloc_failures(void **state)
{
    bool libxml_too = *state != NULL;
    xmlFreeFunc saved_free;
    xmlMallocFunc saved_malloc;
    xmlReallocFunc saved_realloc;
    xmlStrdupFunc saved_strdup;
    xmlMemGet(&saved_free, &saved_malloc, &saved_realloc, &saved_strdup);
    if (libxml_too)   /* or_free is free(): blocks from before stay freeable */
        xmlMemSetup(or_free, or_malloc, or_realloc, or_strdup);
    char *xml = inspections_data(3);
    xmlDocPtr data = parse_data(xml);
    const char *with_include = FIXTURE("include-main.xml");
    const char *paths[] = {FIXTURE("inspection.xml"), with_include};
    for (size_t k = 0; k < 2; k++) {
        xmlDocPtr d = k == 0 ? data : parse_data("<data><sys id='vr' owner='李浩'/></data>");
        bool done = false;
        long n;
        for (n = 1; !done && n < 100000; n++) {
            capture c;
            capture_begin(&c);
            c.d.quiet_warnings = true;
            template *t = NULL;
            xmlDocPtr out = NULL;
            if (libxml_too)
                xmlMemSetup(or_free, or_malloc, or_realloc, or_strdup);
            or_alloc_fail_at(n, 1);
            or_status st = template_load(&t, paths[k], &c.d);
            if (st == OR_OK && libxml_too) {
                /* libxml2 2.9's XPath evaluator dereferences a failed
                 * allocation (xmlXPathCompiledEval without a parser
                 * context), so only loading runs under its failures. */
                or_alloc_fail_at(0, 0);
                xmlMemSetup(saved_free, saved_malloc, saved_realloc, saved_strdup);
            }
            if (st == OR_OK) {
                st = template_expand(t, d, NULL, 0, shipped, &out, &c.d);
                if (st == OR_OK) {
                    xmlFreeDoc(out);
                    out = NULL;
                    long blocks = 0;
                    st = template_expand_stream(t, d, NULL, 0, shipped, count_blocks, &blocks, &c.d);
                }
            }
            or_alloc_fail_at(0, 0);
            if (st == OR_OK) {
                done = true;
            } else if (!libxml_too) {
                if (st != OR_ESYS)
                    fail_msg("allocation %ld: status %d:\n%s", n, st, capture_text(&c));
                assert_contains(capture_text(&c), "out of memory");
                assert_null(out);
            } else {
                /* libxml2 reports some of its own failures as parse or
                 * evaluation errors; what matters is no crash, no leak,
                 * no output. */
                assert_true(st == OR_ESYS || st == OR_EINPUT);
                assert_null(out);
            }
            xmlFreeDoc(out);
            template_free(t);
            capture_end(&c);
        }
        assert_true(done);
        assert_true(n > 5);   /* the loop really failed some allocations */
        print_message("%s: %ld allocation failure points%s, each a clean failure\n", paths[k], n - 2,
                      libxml_too ? " (libxml2's included)" : "");
        if (d != data)
            xmlFreeDoc(d);
    }
    xmlFreeDoc(data);
    or_free(xml);
    xmlMemSetup(saved_free, saved_malloc, saved_realloc, saved_strdup);
}

/* ---------------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/opsreport-template-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    diag quiet = {0};
    quiet.stream = fopen("/dev/null", "w");
    or_status st = calendar_load(&shipped, "data/holidays/holidays.xml", &quiet);
    fclose(quiet.stream);
    return st == OR_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    calendar_free(shipped);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static int libxml_allocations = 1;   /* prestate: fail libxml2's allocations too */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_and_text),
        cmocka_unit_test(test_value_of),
        cmocka_unit_test(test_avt),
        cmocka_unit_test(test_for_each_position),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_if_choose),
        cmocka_unit_test(test_variables),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_attribute_instruction),
        cmocka_unit_test(test_copy_of),
        cmocka_unit_test(test_includes),
        cmocka_unit_test(test_include_errors),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_runtime_errors),
        cmocka_unit_test(test_fn_dates),
        cmocka_unit_test(test_fn_workdays),
        cmocka_unit_test(test_fn_numbers),
        cmocka_unit_test(test_fn_record),
        cmocka_unit_test(test_fn_money),
        cmocka_unit_test(test_money_cn_vectors),
        cmocka_unit_test(test_money_module),
        cmocka_unit_test(test_fn_mask_id),
        cmocka_unit_test(test_stream),
        cmocka_unit_test(test_inspection_template),
        cmocka_unit_test(test_speed_1000),
        cmocka_unit_test_prestate(test_alloc_failures, NULL),
        cmocka_unit_test_prestate(test_alloc_failures, &libxml_allocations),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
