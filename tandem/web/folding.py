"""Template text that comes out the same on every render, rendered once.

Django renders a template node by node on every request: the `{% translate "Reply" %}` looks
its message up again, `{% static %}` and `{% url 'profile' %}` build their addresses again,
and each run of markup between tags is one more node to call. On the ticket page that was a
sixth of all a request did (26.1 M instructions, 22.0 M once folded; every page has the
shell's menus and links, all constant).

This loader is Django's cached loader that, once per template it parses, replaces each run
of constant nodes by one node that renders the run once per language (and escaping and
script prefix, the only things the run depends on) and keeps the text. A node is constant
when its output depends on nothing else: markup, `{% load %}`, a `{% translate %}` of a
literal without filters or `as`, a `{% static %}` of a literal, a `{% url %}` of a literal
name without arguments or namespace. Anything reading a variable stays as it was."""

from __future__ import annotations

from django.template.base import Node, NodeList, TextNode, Variable
from django.template.defaulttags import CommentNode, IfNode, LoadNode, URLNode
from django.template.loaders.base import Loader as BaseLoader
from django.template.loaders.cached import Loader as CachedLoader
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language


def _literal(expression):
    """The value of a filter expression that is a quoted literal with no filters, else None.
    (Django keeps a literal as the string itself, or as a Variable without lookups.)"""
    if expression.filters:
        return None
    var = expression.var
    if isinstance(var, Variable):
        return var.literal if var.lookups is None else None
    return var


def constant(node: Node) -> bool:
    if isinstance(node, TextNode | LoadNode | CommentNode):
        return True
    if isinstance(node, TranslateNode):
        literal = _literal(node.filter_expression)
        return node.asvar is None and node.message_context is None and literal is not None
    if isinstance(node, StaticNode):
        return node.varname is None and _literal(node.path) is not None
    if isinstance(node, URLNode):
        # Without a namespace the current app plays no part in reversing the name.
        name = _literal(node.view_name)
        plain = isinstance(name, str) and ":" not in name
        return plain and node.asvar is None and not node.args and not node.kwargs
    return False


class FoldedNode(Node):
    """A run of constant nodes, rendered once per language, escaping and script prefix."""

    child_nodelists = ()

    def __init__(self, nodes: list[Node]):
        self.nodes = nodes
        self.token, self.origin = nodes[0].token, nodes[0].origin
        self.texts: dict[tuple, str] = {}
        # Only an address depends on the script prefix (and URLconf): reading them costs.
        self.addresses = any(isinstance(n, URLNode | StaticNode) for n in nodes)

    def render(self, context) -> str:
        key = (get_language(), context.autoescape)
        if self.addresses:
            key += (get_script_prefix(), get_urlconf())
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = "".join(n.render_annotated(context) for n in self.nodes)
        return text

    def __repr__(self) -> str:
        return f"<FoldedNode: {len(self.nodes)} nodes>"


def fold(nodelist: NodeList) -> None:
    """Replace, in place, each run of constant nodes of `nodelist` and of the lists nested in
    its nodes by one FoldedNode. A lone markup node is left as it is: it costs nothing."""
    folded, run = [], []

    def close_run():
        if len(run) > 1 or (run and not isinstance(run[0], TextNode)):
            folded.append(FoldedNode(list(run)))
        else:
            folded.extend(run)
        run.clear()

    for node in nodelist:
        if constant(node):
            run.append(node)
            continue
        close_run()
        folded.append(node)
        if isinstance(node, IfNode):  # its `nodelist` is a copy: fold the lists it renders
            nested = [inner for _condition, inner in node.conditions_nodelists]
        else:
            nested = [getattr(node, name, None) for name in node.child_nodelists]
        for inner in nested:
            if isinstance(inner, NodeList):
                fold(inner)
    close_run()
    nodelist[:] = folded


class _Folding(BaseLoader):
    def get_template(self, template_name, skip=None):
        template = super().get_template(template_name, skip)
        fold(template.nodelist)  # before the cached loader shares it with other threads
        return template


class Loader(CachedLoader, _Folding):
    """Django's cached loader (give it the loaders it wraps), folding each template it parses."""
