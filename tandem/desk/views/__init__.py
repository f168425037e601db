"""Desk's pages. Thin: parse, call queries/actions, render. One module per area."""
