#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "utf8.h"

static void decodes_mixed_planes(void **state)
{
    (void)state;
    const char *s = "A运\xF0\xA0\xAE\xB7";  /* A, U+8FD0, U+20BB7 */
    size_t pos = 0, len = strlen(s);
    bool ok;
    assert_int_equal(utf8_next(s, len, &pos, &ok), 'A');
    assert_true(ok);
    assert_int_equal(utf8_next(s, len, &pos, &ok), 0x8FD0);
    assert_int_equal(pos, 4);
    assert_int_equal(utf8_next(s, len, &pos, &ok), 0x20BB7);
    assert_true(ok);
    assert_int_equal(pos, len);
}

static void rejects_malformed(void **state)
{
    (void)state;
    const char *bad[] = {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE8\xBF", "\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t pos = 0;
        bool ok = true;
        assert_int_equal(utf8_next(bad[i], strlen(bad[i]), &pos, &ok), UTF8_REPLACEMENT);
        assert_false(ok);
        assert_int_equal(pos, 1);
        assert_false(utf8_valid(bad[i], strlen(bad[i])));
    }
}

static void encode_round_trips(void **state)
{
    (void)state;
    const unsigned cps[] = {0x24, 0xA5, 0x3001, 0xFFE5, 0x20BB7, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        char out[4];
        size_t n = utf8_encode(cps[i], out), pos = 0;
        assert_true(n > 0);
        assert_int_equal(utf8_next(out, n, &pos, NULL), cps[i]);
        assert_int_equal(pos, n);
    }
    char out[4];
    assert_int_equal(utf8_encode(0xD800, out), 0);
    assert_int_equal(utf8_encode(0x110000, out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_mixed_planes),
        cmocka_unit_test(rejects_malformed),
        cmocka_unit_test(encode_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
