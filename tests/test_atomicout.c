/* Tests for atomicout's new-file writer (atomic_new): the temporary file is
 * hidden in the target's directory, never replaces an existing file, and
 * leaves nothing behind whichever way the write ends.  (atomic_open and
 * atomic_write_file are tested end to end by tests/e2e/output.sh.) */
#include "test_util.h"

#include "alloc.h"
#include "atomicout.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/test_atomicout.XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The names in dir, sorted and joined by spaces. */
static void listing(char *out, size_t size)
{
    char names[16][260];
    size_t n = 0;
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    struct dirent *e;
    while ((e = readdir(dh)) != NULL && n < 16)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            snprintf(names[n++], sizeof names[0], "%s", e->d_name);
    closedir(dh);
    qsort(names, n, sizeof names[0], name_cmp);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", i ? " " : "", names[i]);
    }
}

static char *slurp_path(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *s = test_read_all(f, NULL);
    fclose(f);
    return s;
}

static void test_new_file_placed(void **state)
{
    (void)state;
    atomic_new t;
    assert_int_equal(atomic_new_open(&t, dir, "a.xml"), 0);
    assert_non_null(t.f);
    /* hidden beside its target: dir/.a.xml.XXXXXX, not a *.xml the loader would take */
    char prefix[200];
    snprintf(prefix, sizeof prefix, "%s/.a.xml.", dir);
    assert_int_equal(strncmp(t.tmp, prefix, strlen(prefix)), 0);
    assert_int_equal(strlen(t.tmp), strlen(prefix) + 6);
    struct stat sb;
    assert_int_equal(stat(t.tmp, &sb), 0);
    mode_t mask = umask(0);
    umask(mask);
    assert_int_equal(sb.st_mode & 0777, 0666 & ~mask);   /* as fopen would make it, not mkstemp's 0600 */
    fputs("<a/>\n", t.f);
    capture c;
    capture_begin(&c);
    assert_int_equal(atomic_new_finish(&t, &c.d), OR_OK);
    assert_null(t.f);
    char *text = slurp_path(t.tmp);   /* readable once finished: import validates it */
    assert_string_equal(text, "<a/>\n");
    or_free(text);
    char final[200];
    snprintf(final, sizeof final, "%s/a.xml", dir);
    assert_int_equal(atomic_new_place(&t, final), 0);
    assert_true(t.placed);
    char names[512];
    listing(names, sizeof names);
    assert_string_equal(names, "a.xml");   /* the temporary name is gone */
    atomic_new_discard(&t);
    listing(names, sizeof names);
    assert_string_equal(names, "a.xml");   /* discard after placing removes nothing */
    text = slurp_path(final);
    assert_string_equal(text, "<a/>\n");
    or_free(text);
    assert_string_equal(capture_text(&c), "");
    capture_end(&c);
    assert_int_equal(unlink(final), 0);
}

static void test_existing_file_never_replaced(void **state)
{
    (void)state;
    char final[200], names[512];
    snprintf(final, sizeof final, "%s/b.xml", dir);
    FILE *f = fopen(final, "w");
    assert_non_null(f);
    fputs("old\n", f);
    fclose(f);
    atomic_new t;
    assert_int_equal(atomic_new_open(&t, dir, "b.xml"), 0);
    fputs("new\n", t.f);
    assert_int_equal(atomic_new_finish(&t, NULL), OR_OK);
    errno = 0;
    assert_int_equal(atomic_new_place(&t, final), -1);
    assert_int_equal(errno, EEXIST);
    assert_false(t.placed);
    char *text = slurp_path(final);
    assert_string_equal(text, "old\n");
    or_free(text);
    atomic_new_discard(&t);
    listing(names, sizeof names);
    assert_string_equal(names, "b.xml");   /* the temporary file is removed */
    assert_int_equal(unlink(final), 0);
}

static void test_abandoned_and_failed(void **state)
{
    (void)state;
    char names[512];
    /* given up while still open: closed and removed */
    atomic_new t;
    assert_int_equal(atomic_new_open(&t, dir, "c.xml"), 0);
    fputs("half", t.f);
    atomic_new_discard(&t);
    assert_null(t.tmp);
    listing(names, sizeof names);
    assert_string_equal(names, "");
    /* a directory that does not exist */
    char missing[200];
    snprintf(missing, sizeof missing, "%s/nowhere", dir);
    errno = 0;
    assert_int_equal(atomic_new_open(&t, missing, "d.xml"), -1);
    assert_int_equal(errno, ENOENT);
    assert_null(t.tmp);
    assert_null(t.f);
    atomic_new_discard(&t);   /* harmless */
    /* out of memory */
    or_alloc_fail_at(1, 0);
    errno = 0;
    int rc = atomic_new_open(&t, dir, "e.xml");
    or_alloc_fail_at(0, 0);
    assert_int_equal(rc, -1);
    assert_int_equal(errno, ENOMEM);
    listing(names, sizeof names);
    assert_string_equal(names, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_file_placed),
        cmocka_unit_test(test_existing_file_never_replaced),
        cmocka_unit_test(test_abandoned_and_failed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
