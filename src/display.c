#include "display.h"

#include "alloc.h"

#include <string.h>

const dl_color DL_BLACK = {0, 0, 0};

void dl_doc_init(dl_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    arena_init(&doc->mem, 256 * 1024);
}

void dl_page_release(dl_doc *doc, size_t page)
{
    dl_page *p = &doc->pages[page];
    or_free(p->ops);
    p->ops = NULL;
    p->nops = p->cap = 0;
    arena_free(&p->mem);
}

void dl_truncate(dl_doc *doc, size_t npages, size_t nops)
{
    for (size_t i = npages; i < doc->npages; i++)
        dl_page_release(doc, i);
    doc->npages = npages;
    /* The dropped ops' strings stay in the page arena until it goes. */
    if (npages > 0 && nops < doc->pages[npages - 1].nops)
        doc->pages[npages - 1].nops = nops;
}

void dl_doc_free(dl_doc *doc)
{
    for (size_t i = 0; i < doc->npages; i++)
        dl_page_release(doc, i);
    or_free(doc->pages);
    or_free(doc->marks);
    arena_free(&doc->mem);
    memset(doc, 0, sizeof *doc);
}

long dl_add_page(dl_doc *doc, float width, float height)
{
    if (or_grow(&doc->pages, &doc->cap, doc->npages + 1, sizeof *doc->pages) != 0)
        return -1;
    dl_page *p = &doc->pages[doc->npages];
    memset(p, 0, sizeof *p);
    p->width = width;
    p->height = height;
    arena_init(&p->mem, 4096);
    return (long)doc->npages++;
}

int dl_push(dl_doc *doc, size_t page, const dl_op *op)
{
    dl_page *p = &doc->pages[page];
    if (or_grow(&p->ops, &p->cap, p->nops + 1, sizeof *p->ops) != 0)
        return -1;
    dl_op copy = *op;
    if (op->kind == DL_TEXT) {
        copy.u.text.utf8 = arena_strdup(&p->mem, op->u.text.utf8);
        if (!copy.u.text.utf8)
            return -1;
    } else if (op->kind == DL_IMAGE) {
        copy.u.image.path = arena_strdup(&p->mem, op->u.image.path);
        if (!copy.u.image.path)
            return -1;
    } else if (op->kind == DL_PATH) {
        size_t n = op->u.path.npoints * 2 * sizeof(float);
        float *xy = arena_alloc(&p->mem, n);
        if (!xy)
            return -1;
        memcpy(xy, op->u.path.xy, n);
        copy.u.path.xy = xy;
    }
    p->ops[p->nops++] = copy;
    return 0;
}

int dl_add_bookmark(dl_doc *doc, int level, const char *title, size_t page, float y)
{
    if (or_grow(&doc->marks, &doc->marks_cap, doc->nmarks + 1, sizeof *doc->marks) != 0)
        return -1;
    const char *t = arena_strdup(&doc->mem, title);
    if (!t)
        return -1;
    doc->marks[doc->nmarks++] = (dl_bookmark){level, t, page, y};
    return 0;
}

int dl_line_add(dl_doc *doc, size_t page, float x1, float y1, float x2, float y2,
                float width, dl_color color)
{
    dl_op op = {.kind = DL_LINE};
    op.u.line = (dl_line){x1, y1, x2, y2, width, color, 0};
    return dl_push(doc, page, &op);
}

int dl_rect_add(dl_doc *doc, size_t page, float x, float y, float w, float h,
                float line_width, const dl_color *fill)
{
    dl_op op = {.kind = DL_RECT};
    op.u.rect.x = x;
    op.u.rect.y = y;
    op.u.rect.w = w;
    op.u.rect.h = h;
    op.u.rect.line_width = line_width;
    op.u.rect.stroke = DL_BLACK;
    if (fill) {
        op.u.rect.fill = true;
        op.u.rect.fill_color = *fill;
    }
    return dl_push(doc, page, &op);
}
