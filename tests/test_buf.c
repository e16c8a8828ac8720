#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"

static void appends_and_formats(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 0);
    assert_string_equal(buf_cstr(&b), "");
    assert_int_equal(buf_puts(&b, "巡检"), 0);
    assert_int_equal(buf_printf(&b, " %d/%d", 30, 31), 0);
    assert_string_equal(buf_cstr(&b), "巡检 30/31");
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(buf_printf(&b, "%s", big), 0);
    assert_int_equal(b.len, strlen("巡检 30/31") + 599);
    size_t len;
    char *s = buf_steal(&b, &len);
    assert_int_equal(len, strlen(s));
    or_free(s);
    buf_free(&b);
}

static void cap_makes_error_sticky(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_puts(&b, "12345678"), 0);
    assert_int_equal(buf_putc(&b, '9'), -1);
    assert_true(b.failed);
    assert_int_equal(buf_puts(&b, ""), -1);     /* sticky, even for nothing */
    assert_null(buf_cstr(&b));
    assert_null(buf_steal(&b, NULL));
    buf_free(&b);
}

static void allocation_failure_is_sticky(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 0);
    or_alloc_fail_at(1, 0);
    assert_int_equal(buf_puts(&b, "abc"), -1);
    or_alloc_fail_at(0, 0);
    assert_int_equal(buf_puts(&b, "abc"), -1);
    buf_reset(&b);
    assert_int_equal(buf_puts(&b, "abc"), 0);
    assert_string_equal(buf_cstr(&b), "abc");
    buf_free(&b);
}

static void arena_strings_survive_block_changes(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 64);
    char *first = arena_strdup(&a, "甲方");
    for (int i = 0; i < 100; i++)
        assert_non_null(arena_alloc(&a, 50));
    assert_string_equal(first, "甲方");
    assert_int_equal((unsigned long)(uintptr_t)arena_alloc(&a, 3) % 16, 0);
    or_alloc_fail_at(1, 0);
    assert_null(arena_alloc(&a, 1000));
    or_alloc_fail_at(0, 0);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(appends_and_formats),
        cmocka_unit_test(cap_makes_error_sticky),
        cmocka_unit_test(allocation_failure_is_sticky),
        cmocka_unit_test(arena_strings_survive_block_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
