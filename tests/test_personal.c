#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "personal.h"

/* Masks a copy of in and compares with want. */
static void masks_to(const char *in, const char *want, size_t want_count)
{
    char s[512];
    snprintf(s, sizeof s, "%s", in);
    size_t count = 99;
    size_t n = personal_mask(s, strlen(s), &count);
    s[n] = '\0';
    if (strcmp(s, want) != 0 || count != want_count)
        print_error("input   '%s'\nmasked  '%s' (%zu)\nwanted  '%s' (%zu)\n", in, s, count, want, want_count);
    assert_string_equal(s, want);
    assert_int_equal(count, want_count);
    assert_int_equal(personal_find(in, strlen(in)), want_count > 0);
}

/* GB 11643's sample 11010519491231002X: the weights 7 9 10 5 8 4 2 1 6 3 7 9
 * 10 5 8 4 2 over 11010519491231002 sum to 167, 167 mod 11 = 2, and
 * "10X98765432"[2] = X.  32010619800101123 sums to 163, mod 11 = 9 → 3;
 * 44052418800101001 sums to 195, mod 11 = 8 → 4. */
static void ids_written_every_way(void **state)
{
    (void)state;
    masks_to("11010519491231002X", "110***********002X", 1);
    masks_to("11010519491231002x", "110***********002X", 1);
    masks_to("身份证320106198001011233号", "身份证320***********1233号", 1);
    /* born 1880: outside 1900–2099, not taken for an ID */
    masks_to("440524188001010014", "440524188001010014", 0);
    /* full-width digits and Ｘ */
    masks_to("１１０１０５１９４９１２３１００２Ｘ", "110***********002X", 1);
    masks_to("１１０１０５１９４９１２３１００２ｘ", "110***********002X", 1);
    /* zero-width and other format characters inside */
    masks_to("1101\u200B0519491231002X", "110***********002X", 1);
    masks_to("110105\u200D1949\u2060123\uFEFF1002\u00ADX", "110***********002X", 1);
    /* grouped with spaces, dashes, dots, NBSP, ideographic space */
    masks_to("110105 19491231 002X", "110***********002X", 1);
    masks_to("110105-1949-1231-002X", "110***********002X", 1);
    masks_to("110105.19491231.002X", "110***********002X", 1);
    masks_to("110105\u00A019491231\u3000002X", "110***********002X", 1);
    masks_to("110105 - 19491231 - 002X", "110***********002X", 1);
    masks_to("1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 X", "110***********002X", 1);
    /* glued to the digits before it: the number starts inside a group
     * (found by personal-ids.sh: "终端 01" + a spaced ID) */
    masks_to("终端 011 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 X", "终端 01110***********002X", 1);
    masks_to("终端 0111010519491231002X 1", "终端 0111010519491231002X 1", 0);
    masks_to("编号01110105 491231 002", "编号01110********1002", 1);
    /* mixed: full-width group, a zero-width joiner and a full-width hyphen */
    masks_to("１１０１０５－1949\u200C1231－００２X", "110***********002X", 1);
    /* old 15-digit ID: 110105 + 491231 + 002 */
    masks_to("旧证110105491231002。", "旧证110********1002。", 1);
    masks_to("110105 491231 002", "110********1002", 1);
    /* mainland mobile numbers */
    masks_to("电话13812345678", "电话138****5678", 1);
    masks_to("138 1234 5678", "138****5678", 1);
    masks_to("138-1234-5678、139１２３４５６７８", "138****5678、139****5678", 2);
    masks_to("2026-07-03 13812345678", "2026-07-03 138****5678", 1);
    /* lists of small numbers (a chart's values) are not old IDs or mobile
     * numbers, even when their digits would make one: found by the
     * generative test, a half-year chart's values were masked */
    masks_to("1 1 0 1 0 5 4 9 1 2 3 1 0 0 2", "1 1 0 1 0 5 4 9 1 2 3 1 0 0 2", 0);
    masks_to("11 01 05 49 12 31 00 2", "11 01 05 49 12 31 00 2", 0);
    masks_to("1 3 8 1 2 3 4 5 6 7 8", "1 3 8 1 2 3 4 5 6 7 8", 0);
}

static void not_personal_numbers(void **state)
{
    (void)state;
    /* 18 digits with a wrong check character (…0021) */
    masks_to("110105194912310021", "110105194912310021", 0);
    /* longer digit runs are not these numbers */
    masks_to("1101051949123100201", "1101051949123100201", 0);
    masks_to("011010519491231002X", "011010519491231002X", 0);
    masks_to("11010519491231002X5", "11010519491231002X5", 0);
    masks_to("138123456789", "138123456789", 0);
    masks_to("12812345678", "12812345678", 0);           /* 12x is no mobile prefix */
    masks_to("110105491331002", "110105491331002", 0);   /* month 13 */
    masks_to("2026-07-03 10:00", "2026-07-03 10:00", 0);
    masks_to("¥208,800.00", "¥208,800.00", 0);
    masks_to("010-12345678", "010-12345678", 0);          /* landline */
    /* four separators are too many */
    masks_to("138    12345678", "138    12345678", 0);
    masks_to("", "", 0);
}

static void long_texts_are_linear(void **state)
{
    (void)state;
    /* 200,000 single digits between separators: each start looks at most
     * 18 digits ahead (0…: no ID, old ID or mobile starts with 0) */
    static char s[400016];
    size_t n = 0;
    for (int i = 0; i < 200000; i++) {
        s[n++] = '0';
        s[n++] = '-';
    }
    s[n] = '\0';
    assert_false(personal_find(s, n));
    for (size_t i = 0; i < n; i++)
        s[i] = '-';
    memcpy(s + 1000, "13812345678", 11);
    size_t count;
    n = personal_mask(s, n, &count);
    assert_int_equal(count, 1);
    assert_memory_equal(s + 1000, "138****5678", 11);
}

/* A template's output: a chart series of single digits that happens to
 * spell a valid 18-digit ID (320106198001011233) is a list of numbers and
 * stays whole; the same digits in text, or in an attribute that holds
 * words, are masked (generated seed 102 broke on this). */
static void output_number_lists_kept(void **state)
{
    (void)state;
    const char *digits = "3 2 0 1 0 6 1 9 8 0 0 1 0 1 1 2 3 3";
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    assert_non_null(doc);
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "chart", NULL);
    assert_non_null(root);
    xmlDocSetRootElement(doc, root);
    xmlNodePtr series = xmlNewChild(root, NULL, BAD_CAST "series", NULL);
    assert_non_null(xmlSetProp(series, BAD_CAST "values", BAD_CAST digits));
    char labelled[64];
    snprintf(labelled, sizeof labelled, "编号 %s", digits);
    assert_non_null(xmlSetProp(series, BAD_CAST "name", BAD_CAST labelled));
    assert_non_null(xmlNewTextChild(root, NULL, BAD_CAST "p", BAD_CAST digits));
    assert_int_equal(personal_mask_output(root), 2);
    xmlChar *v = xmlGetProp(series, BAD_CAST "values");
    assert_string_equal((char *)v, digits);
    xmlFree(v);
    v = xmlGetProp(series, BAD_CAST "name");
    assert_string_equal((char *)v, "编号 320***********1233");
    xmlFree(v);
    v = xmlNodeGetContent(root->last);
    assert_string_equal((char *)v, "320***********1233");
    xmlFree(v);
    /* the records' own tree keeps no such exemption */
    assert_non_null(xmlSetProp(series, BAD_CAST "values", BAD_CAST digits));
    assert_int_equal(personal_mask_tree(series, false), 1);
    assert_true(personal_number_list("1 0 -2 0.5"));
    assert_false(personal_number_list("1 0 X"));
    assert_false(personal_number_list(" - "));
    assert_false(personal_number_list("13812345678"));   /* one number, not a list */
    assert_true(personal_number_list("- 3 4"));
    xmlFreeDoc(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_written_every_way),
        cmocka_unit_test(not_personal_numbers),
        cmocka_unit_test(long_texts_are_linear),
        cmocka_unit_test(output_number_lists_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
