"""Products (attached to departments): everyone reads; Desk administrators change them."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.desk import actions, queries
from tandem.desk.views._common import attempt, desk_view


def _data(post) -> dict:
    return {
        "product_name": post.get("product_name", ""),
        "product_code": post.get("product_code", ""),
        "unit_price": post.get("unit_price", ""),
        "department_ids": [int(d) for d in post.getlist("department_ids") if d.isdigit()],
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
    context = {
        "portal": me.portal,
        "me": me,
        "q": q,
        "rows": queries.products(me.portal, q).order_by("product_name")[:200],
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
    context = {
        "portal": me.portal,
        "me": me,
        "obj": obj,
        "selected": {d.id for d in obj.departments.all()},
        "departments": queries.departments_of(me.portal),
    }
    return render(request, "desk/product.html", context)
