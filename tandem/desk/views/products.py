"""Products (attached to departments): everyone reads; Desk administrators change them. A
product's page shows its latest tickets."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.desk import actions, queries
from tandem.desk.ids import as_id
from tandem.desk.views._common import attempt, desk_view
from tandem.desk.views.customers import (
    TICKET_COLUMNS,
    TICKETS_SHOWN,
    all_tickets_url,
    list_page,
    ticket_rows,
)

ORDER = ("product_name", "id")  # by name, as the (portal, product_name) index reads them


def _data(post) -> dict:
    return {
        "product_name": post.get("product_name", ""),
        "product_code": post.get("product_code", ""),
        "unit_price": post.get("unit_price", ""),
        # Junk ("abc", "²", beyond 64 bits) stays in as None: the action names it unknown.
        "department_ids": [as_id(d) for d in post.getlist("department_ids")],
    }


@desk_view
@require_http_methods(["GET", "POST"])
def products(request):
    me = request.member
    if request.method == "POST":
        saved = attempt(
            request,
            actions.do_save_product,
            success=_("Product added."),
            actor=me,
            portal=me.portal,
            data=_data(request.POST),
        )
        if saved:
            return redirect("desk:products", me.portal.slug)
    q = request.GET.get("q", "")
    rows, next_cursor = list_page(request, queries.products(me.portal, q), order=ORDER)
    context = {
        "portal": me.portal,
        "me": me,
        "q": q,
        "rows": rows,
        "next_cursor": next_cursor,
        "departments": queries.departments_of(me.portal),
    }
    return render(request, "desk/products.html", context)


@desk_view
@require_http_methods(["GET", "POST"])
def product(request, product_id: int):
    me = request.member
    obj = queries.product_for(me.portal, product_id)
    if request.method == "POST":
        if request.POST.get("delete"):
            if attempt(request, actions.do_delete_customer, actor=me, obj=obj):
                return redirect("desk:products", me.portal.slug)
        else:
            attempt(
                request,
                actions.do_save_product,
                success=_("Saved."),
                actor=me,
                portal=me.portal,
                product=obj,
                data=_data(request.POST),
            )
        return redirect("desk:product", me.portal.slug, obj.pk)
    flt = {"product_id": obj.pk}
    tickets = list(
        queries.tickets(me, **flt).only(*TICKET_COLUMNS).order_by("-id")[: TICKETS_SHOWN + 1]
    )
    context = {
        "portal": me.portal,
        "me": me,
        "obj": obj,
        "selected": {d.id for d in obj.departments.all()},
        "departments": queries.departments_of(me.portal),
        "tickets": tickets[:TICKETS_SHOWN],
        "more_tickets": len(tickets) > TICKETS_SHOWN,
        "tickets_shown": TICKETS_SHOWN,
        "ticket_rows": ticket_rows(me.portal, tickets[:TICKETS_SHOWN]),
        "all_tickets_url": all_tickets_url(me.portal, **flt),
    }
    return render(request, "desk/product.html", context)
